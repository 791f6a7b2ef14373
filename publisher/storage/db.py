"""Engine and session factory.

SQLite is the embedded default: WAL so readers never block the writer, foreign keys on (SQLite
leaves them off), a busy timeout so concurrent writers queue instead of failing, and
``synchronous=FULL`` so that a receipt given to a citizen means the row survives a crash.
PostgreSQL is used when ``PUBLISHER_DATABASE_URL`` points to one.
"""

from __future__ import annotations

import functools
import math
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker


def _on_sqlite_connect(dbapi_connection: sqlite3.Connection, _record: object) -> None:
    # pysqlite's own transaction handling would defer BEGIN; we want SQLAlchemy to own it.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.close()


def _on_sqlite_begin(conn: Connection) -> None:
    # Reads begin deferred so they never block the writer (WAL). A unit of work that reads and
    # then writes asks for IMMEDIATE (see `write_transaction`): it takes the write lock up front,
    # so two such units queue on the busy timeout instead of failing on the lock upgrade.
    # A lone read that needs no transaction (`single_read`) sends no BEGIN: the statement is
    # its own transaction.
    mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
    if mode != NO_BEGIN:
        conn.exec_driver_sql(f"BEGIN {mode}")


NO_BEGIN = "none"


@contextmanager
def single_read(engine: Engine) -> Iterator[Connection]:
    """A connection for one read statement outside any transaction: no BEGIN/ROLLBACK round
    trips around it (autocommit on PostgreSQL, no BEGIN on SQLite). For a poll of a small
    table (the generation watch), not for reads that must agree with each other."""
    with engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            connection.execution_options(sqlite_begin=NO_BEGIN)
        else:
            connection.execution_options(isolation_level="AUTOCOMMIT")
        yield connection


def make_engine(
    url: str,
    pool_size: int = 10,
    pool_timeout: float = 3.0,
    connect_timeout: float = 3.0,
    **kwargs: Any,
) -> Engine:
    """An engine that answers quickly when it cannot serve: a request that cannot get a pooled
    connection within `pool_timeout` fails with `sqlalchemy.exc.TimeoutError` instead of
    queueing for SQLAlchemy's default 30 s; on PostgreSQL a server that does not answer (a
    stopped machine drops packets, it does not refuse them) fails the connection attempt
    within `connect_timeout` instead of the kernel's minutes, and `pool_pre_ping` replaces
    connections a restarted server has closed, so the process recovers by itself. Both failures
    are a 503 with Retry-After on the web."""
    parsed = make_url(url)
    in_memory = parsed.get_backend_name() == "sqlite" and parsed.database in (None, "", ":memory:")
    if not in_memory:  # an in-memory SQLite database lives in one connection: no pool to size
        kwargs.setdefault("pool_size", pool_size)
        kwargs.setdefault("max_overflow", pool_size)
        kwargs.setdefault("pool_timeout", pool_timeout)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False}, **kwargs)
        event.listen(engine, "connect", _on_sqlite_connect)
        event.listen(engine, "begin", _on_sqlite_begin)
        return engine
    if parsed.get_backend_name() == "postgresql" and parsed.get_driver_name() == "psycopg":
        # libpq counts whole seconds and treats anything under 2 as 2
        connect_args = {"connect_timeout": max(2, math.ceil(connect_timeout))}
        kwargs["connect_args"] = {**connect_args, **kwargs.get("connect_args", {})}
    return create_engine(url, pool_pre_ping=True, **kwargs)


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


WRITE_OPTIONS = {"sqlite_begin": "IMMEDIATE"}


class WriteBegunTooLate(RuntimeError):
    """A unit of work was asked to begin while the session held changes no unit had
    committed: a programming error (writes belong inside a unit), never a user's."""


def begin_write(session: Session) -> None:
    """Start the session's transaction as a write (BEGIN IMMEDIATE on SQLite; no-op elsewhere).

    SQLAlchemy silently ignores execution options on a transaction that has already begun, so
    a read-only transaction left open by earlier reads (a lazy load after a commit) is ended
    first; otherwise the SQLite write lock would not be taken and two units could race.
    Pending changes outside a unit are refused rather than committed by accident.
    """
    if session.in_transaction():
        if session.new or session.dirty or session.deleted:
            raise WriteBegunTooLate("the session holds changes made outside a unit of work")
        session.commit()  # a read-only transaction: nothing to write, only the lock to release
    session.connection(execution_options=WRITE_OPTIONS)


@contextmanager
def write_unit(session: Session) -> Iterator[Session]:
    """One use case's unit of work on the request's (untouched) session: take the write lock
    first, then read and write; commit on success, roll back on any error, so a refusal
    writes nothing. Side effects (mail…) belong after the block, once the commit is durable."""
    begin_write(session)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise


P = ParamSpec("P")
R = TypeVar("R")


def unit_of_work(
    use_case: Callable[Concatenate[Session, P], R],
) -> Callable[Concatenate[Session, P], R]:
    """Mark a use case that owns its unit of work: it runs inside `write_unit` on the session
    it is given (its first argument), which it commits before returning."""

    @functools.wraps(use_case)
    def run(session: Session, /, *args: P.args, **kwargs: P.kwargs) -> R:
        with write_unit(session):
            return use_case(session, *args, **kwargs)

    return run


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A unit of work on a new session: commit on success, roll back on any error."""
    session = factory()
    try:
        with write_unit(session):
            yield session
    finally:
        session.close()
