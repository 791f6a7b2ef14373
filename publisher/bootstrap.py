"""What `publisher serve` does before it listens: check the schema, then load bundled data.

It does not migrate: with several processes on one database, the schema is changed once, by an
operator (`publisher db upgrade`, or docker-compose's one-shot migration service), and a process
started against a schema that is not at head refuses to start, saying so.
"""

from __future__ import annotations

from collections.abc import Callable

from publisher.documents.store import load_bundled_data_on
from publisher.settings import Settings
from publisher.storage.db import make_engine
from publisher.storage.migrate import require_head


def prepare(settings: Settings, echo: Callable[[str], None] = print) -> None:
    """Raise `SchemaNotAtHead` (the CLI prints it, exit 2) unless the schema is at head."""
    engine = make_engine(
        settings.effective_database_url, connect_timeout=settings.db_connect_timeout_seconds
    )
    try:
        require_head(engine)
        echo("database schema at head")
        echo(load_bundled_data_on(settings, engine))
    finally:
        engine.dispose()
