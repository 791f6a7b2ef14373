"""The background push to CKAN while the service runs, every `ckan_push_interval_seconds`.

A daemon thread, started and stopped with the app. Several instances may share one PostgreSQL:
`push_with_lock` lets exactly one of them push at a time (advisory lock); the others skip that
round. A failed round is logged and retried at the next interval — the push itself is
idempotent and resumable, so nothing is lost by trying again later.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence

from sqlalchemy import Engine

from publisher.ckan.local import LocalDataset
from publisher.ckan.plan import PushSummary
from publisher.ckan.push import push_with_lock
from publisher.ckan.sources import collect_local_datasets
from publisher.opendata import LiveTable
from publisher.settings import Settings
from publisher.storage.db import make_session_factory

log = logging.getLogger(__name__)


class BackgroundPusher:
    """Pushes the catalogue — the Data Package and ``live_tables`` (the app's
    ``app.state.open_data_tables``) — every ``ckan_push_interval_seconds``."""

    def __init__(
        self, settings: Settings, engine: Engine, live_tables: Sequence[LiveTable]
    ) -> None:
        self.settings = settings
        self.engine = engine
        self.live_tables = tuple(live_tables)
        self.rounds = 0
        self.last_summary: PushSummary | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="ckan-push", daemon=True)

    @staticmethod
    def enabled(settings: Settings) -> bool:
        return bool(settings.ckan_url and settings.ckan_api_token) and (
            settings.ckan_push_interval_seconds > 0
        )

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 30) -> None:
        self._stop.set()
        self._thread.join(timeout)

    def _datasets(self) -> list[LocalDataset]:
        with make_session_factory(self.engine)() as session:
            return collect_local_datasets(self.settings, session, self.live_tables)

    def run_once(self) -> PushSummary | None:
        summary = push_with_lock(
            self.engine,
            self._datasets,
            ckan_url=self.settings.ckan_url,
            api_token=self.settings.ckan_api_token,
            organization=self.settings.ckan_organization,
        )
        self.rounds += 1
        if summary is not None:
            self.last_summary = summary
        return summary

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.run_once()
            except Exception:  # one bad round must not end the thread
                log.exception("background CKAN push failed; retrying at the next interval")
            self._stop.wait(self.settings.ckan_push_interval_seconds)
