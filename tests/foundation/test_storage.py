"""Schema from zero, and instants that survive a round trip unchanged on both databases."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import inspect, select, text
from sqlalchemy.exc import DBAPIError

from publisher.staff.models import AuditEvent
from publisher.storage.base import Base, include_name
from publisher.storage.db import make_engine, make_session_factory
from publisher.storage.migrate import downgrade, upgrade
from publisher.wiring import FEATURES  # noqa: F401  (registers every feature's tables)

metadata = Base.metadata


def test_migrations_create_the_whole_schema_from_zero(empty_db_url: str) -> None:
    engine = make_engine(empty_db_url)
    assert inspect(engine).get_table_names() == []
    upgrade(engine)
    tables = set(inspect(engine).get_table_names())
    assert set(metadata.tables) <= tables
    downgrade(engine, "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    upgrade(engine)
    assert set(metadata.tables) <= set(inspect(engine).get_table_names())
    engine.dispose()


def test_migrated_schema_matches_the_models(db_url: str) -> None:
    """Autogenerate finds nothing to do: every model change came with a migration."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    engine = make_engine(db_url)
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "include_name": include_name}
        )
        diff = compare_metadata(context, metadata)
    engine.dispose()
    assert diff == []


def test_instants_round_trip_as_the_same_utc_instant(db_url: str) -> None:
    engine = make_engine(db_url)
    factory = make_session_factory(engine)
    shanghai = dt.datetime(2026, 10, 9, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
    with factory() as session:
        session.add(
            AuditEvent(
                occurred_at=shanghai,
                actor_name="t",
                via="cli",
                action="test",
                object_type="x",
                object_id="1",
                ip_address="-",
            )
        )
        session.commit()
    with factory() as session:
        stored = session.scalars(select(AuditEvent.occurred_at)).one()
    assert stored.utcoffset() == dt.timedelta(0)
    assert stored == shanghai
    assert stored.hour == 1 and stored.minute == 30
    engine.dispose()


def test_naive_datetimes_are_refused(db_url: str) -> None:
    engine = make_engine(db_url)
    factory = make_session_factory(engine)
    with factory() as session:
        session.add(
            AuditEvent(
                occurred_at=dt.datetime(2026, 1, 1, 12, 0),
                actor_name="t",
                via="cli",
                action="test",
                object_type="x",
                object_id="1",
                ip_address="-",
            )
        )
        with pytest.raises(Exception, match="aware datetime"):
            session.commit()
    engine.dispose()


def test_sqlite_runs_in_wal_with_foreign_keys(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'x.sqlite3'}")
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
    engine.dispose()


def test_audit_log_cannot_be_changed_even_with_sql(db_url: str) -> None:
    engine = make_engine(db_url)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO audit_event (occurred_at, actor_name, via, action, object_type, "
                "object_id, ip_address, details) VALUES (:t, 'a', 'cli', 'x', 'y', '1', '-', '{}')"
            ),
            {"t": dt.datetime(2026, 1, 1, tzinfo=dt.UTC).replace(tzinfo=None)},
        )
    for statement in ("UPDATE audit_event SET action = 'forged'", "DELETE FROM audit_event"):
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
            conn.execute(text(statement))
    with engine.connect() as conn:
        assert conn.execute(text("SELECT action FROM audit_event")).scalar() == "x"
    engine.dispose()
