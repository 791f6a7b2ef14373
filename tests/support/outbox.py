"""Deliver the outbox in a test, as the worker in `publisher serve` would, on the test's own
database and channels (the settings' SMTP server, SMS gateway)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from sqlalchemy import func, select

from publisher.notifications.models import OutboxMessage
from publisher.notifications.worker import Round, Worker
from publisher.settings import Settings
from publisher.storage.db import make_engine, make_session_factory
from publisher.timeutil import now_utc
from publisher.wiring import delivery_hooks, scheduled_alerts


def deliver(
    settings: Settings, clock: Callable[[], dt.datetime] = now_utc, name: str | None = None
) -> Round:
    """Drain what is due now; returns the round's counts."""
    engine = make_engine(settings.effective_database_url)
    try:
        worker = Worker(
            make_session_factory(engine),
            settings,
            delivery_hooks(),
            scheduled_alerts(),
            clock=clock,
            name=name,
        )
        return worker.drain()
    finally:
        engine.dispose()


def outbox_count(settings: Settings, **where: str) -> int:
    engine = make_engine(settings.effective_database_url)
    try:
        with make_session_factory(engine)() as session:
            query = select(func.count()).select_from(OutboxMessage)
            for column, value in where.items():
                query = query.where(getattr(OutboxMessage, column) == value)
            return int(session.scalar(query) or 0)
    finally:
        engine.dispose()
