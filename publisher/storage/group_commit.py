"""Group commit: the high-volume intakes (comments, applications to attend) are written by one
writer per process and database, a batch of waiting submissions per transaction.

A request does its checks that need no lock on its own session (reads, in WAL they never wait),
then hands a *write function* to the writer and waits for its answer. The writer thread takes
every submission waiting (at most `max_batch`), opens ONE write transaction (BEGIN IMMEDIATE on
SQLite), runs each function, COMMITs, and only then answers each request: a receipt is never
given for a row that is not durable. A function that raises (a refusal, a constraint) gets the
batch written again with a SAVEPOINT per function: its own is rolled back and its request gets
the exception; the others in the batch commit. If the COMMIT itself fails, every request of
the batch gets that error and none was acknowledged.

No pooled connection busy-polls SQLite's lock any more: within a process there is one writer;
between processes (several `publisher serve`), the database's own lock (busy timeout on SQLite,
row and advisory locks on PostgreSQL) orders the writers' transactions.

The writer keeps no connection while idle: it checks one out of the engine's pool per batch,
and its thread ends after `idle_seconds` without work (the next submission starts it again).
"""

from __future__ import annotations

import asyncio
import threading
from collections import deque
from collections.abc import Callable, Hashable
from concurrent.futures import Future
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from sqlalchemy import Engine, event
from sqlalchemy.orm import Session

from publisher.storage.db import (
    WriteBegunTooLate,
    begin_write,
    make_session_factory,
    transaction,
    write_unit,
)

R = TypeVar("R")

#: a submission's writes, run by the writer inside a savepoint of the batch's transaction
WriteFn = Callable[[Session], R]


@dataclass
class _Job(Generic[R]):
    write: WriteFn[R]
    future: Future[R] = field(default_factory=Future)
    attempts: int = 0


class GroupWriter:
    """One writer thread for one engine: batches of submissions, one transaction each."""

    def __init__(
        self,
        engine: Engine,
        *,
        writers: int = 1,
        max_batch: int = 256,
        idle_seconds: float = 2.0,
    ):
        self.engine = engine
        self.writers = writers
        self.max_batch = max_batch
        self.idle_seconds = idle_seconds
        self._factory = make_session_factory(engine)
        self._jobs: deque[_Job[Any]] = deque()
        self._wake = threading.Condition()
        self._running = 0
        #: the last batch had a refusal: write the next one with a savepoint per job
        self._careful = False
        #: sizes of the batches written, newest last (bounded; for tests and the benchmark)
        self.batches: deque[int] = deque(maxlen=1000)

    def submit(self, write: WriteFn[R]) -> Future[R]:
        job: _Job[R] = _Job(write)
        with self._wake:
            self._jobs.append(job)
            self._start_writer()
            self._wake.notify()
        return job.future

    def run(self, write: WriteFn[R]) -> R:
        """Submit and wait for the answer given after the batch's COMMIT (or the refusal)."""
        return self.submit(write).result()

    def _start_writer(self) -> None:
        """Under `_wake`: one more writer thread while fewer run than allowed."""
        if self._running < self.writers:
            self._running += 1
            threading.Thread(target=self._loop, name="publisher-group-writer", daemon=True).start()

    def _loop(self) -> None:
        while True:
            with self._wake:
                if not self._jobs:
                    self._wake.wait(self.idle_seconds)
                if not self._jobs:
                    self._running -= 1  # a later submit starts a new thread
                    return
                taken = [self._jobs.popleft() for _ in range(min(self.max_batch, len(self._jobs)))]
                if self._jobs:
                    self._start_writer()
            # a waiter that went away before its write began (its request was cancelled) is
            # not written: nobody could be given its receipt; once begun it cannot be cancelled
            batch = [
                job for job in taken if job.attempts or job.future.set_running_or_notify_cancel()
            ]
            if not batch:
                continue
            again = self._write(batch)
            if again:  # lost a deadlock to another writer: first in the queue again
                with self._wake:
                    self._jobs.extendleft(reversed(again))
                    self._wake.notify()

    def _write(self, batch: list[_Job[Any]]) -> list[_Job[Any]]:
        """Write a batch; the jobs to run again (refused by a deadlock with another writer).

        First without savepoints: one costs two round trips and the ORM's bookkeeping, a
        third of the writer's time per comment on PostgreSQL. If a submission raises, that
        transaction is rolled back (nothing of it was answered) and the batch written again
        with a savepoint each, so the refusal takes only its own writes with it. While
        refusals keep coming, batches go straight to savepoints."""
        if not self._careful:
            written = self._attempt(batch, savepoints=False)
            if written is not None:
                return written[0]
        written = self._attempt(batch, savepoints=True)
        assert written is not None  # with savepoints a refusal stays with its job
        again, refused = written
        self._careful = bool(again or refused)
        return again

    def _attempt(
        self, batch: list[_Job[Any]], *, savepoints: bool
    ) -> tuple[list[_Job[Any]], int] | None:
        """One transaction for the batch: (the jobs to run again, how many were refused), or
        None (rolled back, nobody answered) when a job raised and there were no savepoints."""
        done: list[tuple[_Job[Any], Any]] = []
        again: list[_Job[Any]] = []
        refused: list[tuple[_Job[Any], BaseException]] = []
        session = self._factory()
        session.info[_BATCH_MEMO] = {}
        try:
            begin_write(session)
            for job in batch:
                try:
                    with session.begin_nested() if savepoints else nullcontext():
                        result = job.write(session)
                except Exception as exc:  # its savepoint is rolled back; the others go on
                    if not savepoints:
                        session.rollback()
                        return None
                    if _lost_to_another_writer(exc) and job.attempts < 5:
                        job.attempts += 1
                        again.append(job)
                    else:
                        refused.append((job, exc))
                else:
                    done.append((job, result))
            session.commit()
        except BaseException as exc:  # BEGIN or COMMIT failed: nothing of the batch is durable
            session.rollback()
            for job in batch:
                job.future.set_exception(exc)
            return [], 0
        finally:
            session.close()
        self.batches.append(len(batch))
        for job, result in done:  # only now: every row answered for is durable
            job.future.set_result(result)
        for job, error in refused:
            job.future.set_exception(error)
        return again, len(refused)


_BATCH_MEMO = "group_commit.batch_memo"


def batch_memo(session: Session) -> dict[Hashable, Any]:
    """Where the writes of one batch keep what they all read alike (a draft's current version),
    so it is read once per batch: the batch is one transaction, so they would all read the
    same. Outside a writer's batch, a new empty dict each time: nothing is kept."""
    memo: dict[Hashable, Any] | None = session.info.get(_BATCH_MEMO)
    return memo if memo is not None else {}


def _lost_to_another_writer(exc: Exception) -> bool:
    """PostgreSQL chose this statement to break a deadlock (two writers' batches locking the
    same rows in other orders) or a serialisation conflict: running it again will succeed."""
    code = getattr(getattr(exc, "orig", None), "sqlstate", None)
    return code in ("40P01", "40001")


#: writer threads per process on PostgreSQL (SQLite has one writer: its lock is the
#: database's). Two: more contend for the GIL with the event loop (4 cost 2.1 ms of CPU a
#: comment, 2 cost 1.75 and 1 1.55, at the same rate); one more than one keeps a second batch
#: going while the first waits on round trips to a database on another host
POSTGRES_WRITERS = 2

_WRITERS: dict[Engine, GroupWriter] = {}
_WRITERS_LOCK = threading.Lock()


def writer_for(engine: Engine) -> GroupWriter:
    """The process's writer for this engine (created on first use)."""
    with _WRITERS_LOCK:
        writer = _WRITERS.get(engine)
        if writer is None:
            postgres = engine.dialect.name == "postgresql"
            writer = _WRITERS[engine] = GroupWriter(
                engine, writers=POSTGRES_WRITERS if postgres else 1
            )
            if not event.contains(engine, "engine_disposed", forget):
                event.listen(engine, "engine_disposed", forget)
        return writer


def forget(engine: Engine) -> None:
    """Drop the writer of an engine being disposed (its thread ends when idle)."""
    with _WRITERS_LOCK:
        _WRITERS.pop(engine, None)


def grouped(engine: Engine) -> bool:
    """Whether writes on this engine go through a group writer: not for an in-memory SQLite
    database, which exists only in its own connection (the writer's would be another one)."""
    url = engine.url
    return not (url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:"))


async def write_grouped_async(engine: Engine, write: WriteFn[R]) -> R:
    """`write_grouped` for an async endpoint: the request holds no thread or connection while
    it waits for its batch's COMMIT. Without a group writer (an in-memory database) the write
    runs in a unit of work of its own, in the thread pool."""
    if not grouped(engine):
        return await asyncio.to_thread(_write_alone, engine, write)
    return await asyncio.wrap_future(writer_for(engine).submit(write))


def _write_alone(engine: Engine, write: WriteFn[R]) -> R:
    with transaction(make_session_factory(engine)) as session:
        return write(session)


def write_grouped(session: Session, write: WriteFn[R]) -> R:
    """Run a submission's writes through the group writer of the session's engine and return
    its result once committed (ORM objects come back detached: `session.merge(x, load=False)`
    them to read relationships). The request's session must hold no changes; its read
    transaction is ended first, so its connection goes back to the pool while it waits.
    Without a group writer (a session bound to a connection, an in-memory database) the same
    function runs in an ordinary write unit on the session itself."""
    bind = session.get_bind()
    if not isinstance(bind, Engine) or not grouped(bind):
        with write_unit(session):
            return write(session)
    if session.in_transaction():
        if session.new or session.dirty or session.deleted:
            raise WriteBegunTooLate("the session holds changes made outside a unit of work")
        session.commit()  # read-only: only its connection to give back
    return writer_for(bind).run(write)
