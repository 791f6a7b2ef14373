"""Alembic environment: runs on a connection handed over by `publisher.storage.migrate`."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from publisher.storage.base import Base, include_name
from publisher.storage.db import make_engine

config = context.config


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        # Only autogenerate compares with the models: its caller imports every feature's tables
        # first (`publisher.wiring`); storage itself knows no feature.
        target_metadata=config.attributes.get("target_metadata", Base.metadata),
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_name=include_name,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    engine = make_engine(config.get_main_option("sqlalchemy.url") or "")
    with engine.begin() as conn:
        _run(conn)
