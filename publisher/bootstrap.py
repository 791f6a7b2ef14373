"""What `publisher serve` does before it listens: schema, then bundled data, idempotently."""

from __future__ import annotations

from collections.abc import Callable

from publisher.documents.store import load_bundled_data_on
from publisher.settings import Settings
from publisher.storage.db import make_engine
from publisher.storage.migrate import upgrade


def prepare(settings: Settings, echo: Callable[[str], None] = print) -> None:
    engine = make_engine(settings.effective_database_url)
    upgrade(engine)
    echo("database schema up to date")
    echo(load_bundled_data_on(settings, engine))
    engine.dispose()
