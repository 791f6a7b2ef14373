"""Every row of every table, to show that a refused request wrote nothing."""

from __future__ import annotations

from typing import Any

from sqlalchemy import MetaData, select
from sqlalchemy.engine import Engine

#: bookkeeping a refused request may legitimately touch: rate-limit counters count attempts,
#: and a token's or session's last use is recorded on every authenticated request
NOT_CONTENT = frozenset({"throttle_hit", "api_token", "staff_session", "alembic_version"})


def database_rows(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    metadata = MetaData()
    metadata.reflect(engine)
    rows: dict[str, list[tuple[Any, ...]]] = {}
    with engine.connect() as connection:
        for name, table in sorted(metadata.tables.items()):
            if name in NOT_CONTENT:
                continue
            rows[name] = sorted((tuple(row) for row in connection.execute(select(table))), key=repr)
    return rows
