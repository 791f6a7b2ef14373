"""Only one instance pushes at a time, even when several share one database.

On PostgreSQL a session-level advisory lock (`pg_try_advisory_lock`), held on a dedicated
connection for the whole push, so it is released if the process dies. On SQLite, where the
instances share a file on one machine, an exclusive `flock` on a file beside the database.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, text

#: a fixed 63-bit key derived from a name, so it cannot clash with another feature's key by luck
ADVISORY_KEY = int.from_bytes(hashlib.sha256(b"smx-publisher:ckan-push").digest()[:8], "big") >> 1
_memory_lock = threading.Lock()


def default_lock_path(engine: Engine) -> Path | None:
    database = engine.url.database
    if not database or database == ":memory:":
        return None
    return Path(database).with_name(Path(database).name + ".ckan-push.lock")


@contextmanager
def push_lock(engine: Engine, lock_path: str | None = None) -> Iterator[bool]:
    """Yields True if this caller holds the push lock, False if another one does (never waits)."""
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            got = bool(
                conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": ADVISORY_KEY}).scalar()
            )
            conn.commit()
            try:
                yield got
            finally:
                if got:
                    conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": ADVISORY_KEY})
                    conn.commit()
        return
    path = Path(lock_path) if lock_path else default_lock_path(engine)
    if path is None:  # in-memory database: only this process can see it
        got = _memory_lock.acquire(blocking=False)
        try:
            yield got
        finally:
            if got:
                _memory_lock.release()
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
