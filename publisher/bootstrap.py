"""What `publisher serve` does before it listens: check the schema, then load bundled data.

It does not migrate: with several processes on one database, the schema is changed once, by an
operator (`publisher db upgrade`, or docker-compose's one-shot migration service), and a process
started against a schema that is not at head refuses to start, saying so.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Engine, text

from publisher.documents.store import load_bundled_data_on
from publisher.search.index import reindex
from publisher.settings import Settings
from publisher.storage.db import make_engine, make_session_factory, write_unit
from publisher.storage.migrate import require_head
from publisher.wiring import search_sources


def prepare(settings: Settings, echo: Callable[[str], None] = print, workers: int = 1) -> None:
    """Raise `SchemaNotAtHead` (the CLI prints it, exit 2) unless the schema is at head."""
    engine = make_engine(
        settings.effective_database_url, connect_timeout=settings.db_connect_timeout_seconds
    )
    try:
        require_head(engine)
        echo("database schema at head")
        echo(load_bundled_data_on(settings, engine))
        echo(index_datasets(settings, engine))
        echo(connection_budget(settings, engine, workers))
    finally:
        engine.dispose()


def index_datasets(settings: Settings, engine: Engine) -> str:
    """The catalogue's datasets in the search index (a few rows; the bundled gazette's
    documents were indexed as they were stored)."""
    sources = [s for s in search_sources(settings.datasets_dir) if s.kind == "dataset"]
    with make_session_factory(engine)() as session, write_unit(session):
        counts = reindex(session, sources)
    return f"search: {counts.get('dataset', 0)} datasets indexed"


def connection_budget(settings: Settings, engine: Engine, workers: int) -> str:
    """How many database connections this machine may open, against PostgreSQL's limit:
    each worker's pool keeps `db_pool_size` and opens as many again under a burst."""
    per_worker = 2 * settings.db_pool_size
    line = (
        f"database connections: up to {workers} worker(s) × {per_worker} = "
        f"{workers * per_worker} from this machine"
    )
    if engine.dialect.name != "postgresql":
        return line
    with engine.connect() as connection:
        limit = int(connection.execute(text("SHOW max_connections")).scalar_one())
    line += f"; PostgreSQL max_connections = {limit}, shared by every machine"
    if workers * per_worker > limit - 3:  # superuser_reserved_connections' default
        line += " — WARNING: over the limit; lower PUBLISHER_DB_POOL_SIZE or the workers"
    return line
