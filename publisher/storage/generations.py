"""A generation counter per table that public caches read, bumped in the writing transaction.

Feeds (and any other cache of public content) are kept in each process's memory. To know that
a body is still true without asking the database on every request, each cache reads the
generations of the tables it shows: a write to a *tracked* table adds one to that table's row
in ``content_generation`` inside the same transaction (so a rolled-back refusal bumps nothing
and a committed change is never missed), from whichever process or command wrote it. Each
process then only needs the small generations table, read after its own commits and at most
every few seconds otherwise (`GenerationWatch`).

Tables are tracked by their model module (`track_changes`), so a command-line ingestion bumps
exactly as the web service does. Only tables a cache reads are tracked: a tracked table's row
is one more row lock per write, which the high-volume intakes (comments, applications) do not
need to pay.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import BigInteger, Engine, String, Table, event, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, ORMExecuteState, Session, mapped_column

from publisher.storage.base import Base
from publisher.storage.db import single_read

#: `Table.info` key marking a table whose writes bump its generation
TRACKED = "tracks_generation"
#: `Table.info` key marking a table whose writes this process counts (`count_changes_locally`)
COUNTED_LOCALLY = "counted_locally"
#: `Session.info` key: the tracked tables this transaction wrote
_WRITTEN = "generation_tables"
#: `Session.info` key: the locally counted tables this transaction wrote
_WRITTEN_HERE = "locally_counted_tables"


class ContentGeneration(Base):
    """How many committed write transactions touched a tracked table (never decreases)."""

    __tablename__ = "content_generation"

    table_name: Mapped[str] = mapped_column(String(64), primary_key=True)
    generation: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)


def track_changes(*models: type[Base]) -> None:
    """Mark the tables of these models as read by public caches (call in the models module)."""
    for model in models:
        Base.metadata.tables[model.__tablename__].info[TRACKED] = True


def count_changes_locally(*models: type[Base]) -> None:
    """Mark the tables of these models as read by public caches that can take another
    process's writes a check interval late (`PUBLISHER_CACHE_CHECK_SECONDS`): their commits
    are counted in this process only (`GenerationWatch.of` gives the count), so a cache sees
    this process's own writes at once and no write pays for a generation row. For the
    high-volume intakes' tables (applications: a meeting's places taken)."""
    for model in models:
        Base.metadata.tables[model.__tablename__].info[COUNTED_LOCALLY] = True


def count_core_write(session: Session, table: Table) -> None:
    """Count a write to `table` made by a Core statement on the session's connection (which
    the flush events below never see) as a flush would be counted."""
    _record(session, {table})


def tracked_tables() -> frozenset[str]:
    tables = Base.metadata.tables
    return frozenset(name for name, table in tables.items() if table.info.get(TRACKED))


class _LocalCommits:
    """Counts this process's commits that bumped a generation, so a watch in the same process
    re-reads at once instead of waiting for its next check."""

    def __init__(self) -> None:
        self._counter = itertools.count(1)
        self.value = 0

    def record(self) -> None:
        self.value = next(self._counter)


LOCAL_COMMITS = _LocalCommits()


class _TableCommits:
    """This process's committed transactions per locally counted table."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.counts: dict[str, int] = {}

    def record(self, tables: Iterable[str]) -> None:
        with self._lock:
            for name in tables:
                self.counts[name] = self.counts.get(name, 0) + 1


TABLE_COMMITS_HERE = _TableCommits()


def _bump(session: Session, tables: Iterable[str]) -> None:
    connection = session.connection()
    dialect = connection.dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    for name in sorted(tables):  # one order everywhere: two writers never deadlock on these rows
        statement = insert(ContentGeneration).values(table_name=name, generation=1)
        statement = statement.on_conflict_do_update(
            index_elements=[ContentGeneration.table_name],
            set_={"generation": ContentGeneration.generation + 1},
        )
        connection.execute(statement)


def _record(session: Session, tables: Iterable[Table]) -> None:
    for table in tables:
        if table.info.get(TRACKED):
            session.info.setdefault(_WRITTEN, set()).add(table.name)
        elif table.info.get(COUNTED_LOCALLY):
            session.info.setdefault(_WRITTEN_HERE, set()).add(table.name)


def _tables_of(objects: Iterable[Any]) -> set[Table]:
    return {table for obj in objects if (table := getattr(obj, "__table__", None)) is not None}


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, _context: object) -> None:
    written = _tables_of(session.new) | _tables_of(session.deleted)
    written |= _tables_of(o for o in session.dirty if session.is_modified(o))
    _record(session, written)


@event.listens_for(Session, "do_orm_execute")
def _on_bulk_statement(state: ORMExecuteState) -> None:
    """ORM bulk UPDATE/DELETE/INSERT statements bypass the flush; they count too."""
    if not (state.is_update or state.is_delete or state.is_insert):
        return
    table = getattr(state.statement, "table", None)
    if isinstance(table, Table):
        _record(state.session, {table})


@event.listens_for(Session, "before_commit")
def _before_commit(session: Session) -> None:
    """Bump once per table per transaction, at the commit and in one order: the rows are locked
    for the commit's instant only, and two writers can never wait on each other for them (a
    bump at each flush would lock them in whatever order the flushes came)."""
    session.flush()  # the commit's own flush comes after this event: its writes count too
    written = session.info.get(_WRITTEN)
    if written:
        _bump(session, written)


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    if session.info.pop(_WRITTEN, None):
        LOCAL_COMMITS.record()
    here = session.info.pop(_WRITTEN_HERE, None)
    if here:
        TABLE_COMMITS_HERE.record(here)


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    session.info.pop(_WRITTEN, None)
    session.info.pop(_WRITTEN_HERE, None)


def read_generations(session: Session) -> dict[str, int]:
    rows = session.execute(select(ContentGeneration.table_name, ContentGeneration.generation))
    return {name: int(generation) for name, generation in rows}


class GenerationWatch:
    """One process's view of the generations, re-read after this process's own tracked
    commits and otherwise at most every `check_seconds` (the bound on how long another
    process's write can go unseen). Reading the view costs nothing; `stale()` says when the
    caller must `refresh()` (one small query, outside any transaction) first."""

    def __init__(self, engine: Engine, check_seconds: float) -> None:
        self._engine = engine
        self._check_seconds = check_seconds
        self._lock = threading.Lock()
        self._generations: Mapping[str, int] = {}
        self._read_at = float("-inf")
        self._local_seen = -1

    def stale(self) -> bool:
        return (
            self._local_seen != LOCAL_COMMITS.value
            or time.monotonic() - self._read_at >= self._check_seconds
        )

    def refresh(self) -> None:
        with self._lock:
            if not self.stale():  # another thread refreshed while this one waited
                return
            local = LOCAL_COMMITS.value  # before the read: a commit during it re-reads later
            started = time.monotonic()
            with single_read(self._engine) as connection:
                rows = connection.execute(
                    select(ContentGeneration.table_name, ContentGeneration.generation)
                )
                generations = {name: int(generation) for name, generation in rows}
            self._generations = generations
            self._read_at = started
            self._local_seen = local

    def of(self, tables: Iterable[str]) -> tuple[int, ...]:
        """The generations of these tables as last read (call `refresh` first when stale);
        for a locally counted table, this process's commits to it."""
        generations, here = self._generations, TABLE_COMMITS_HERE.counts
        return tuple(generations.get(name, here.get(name, 0)) for name in tables)
