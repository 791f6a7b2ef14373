"""Where uploaded bytes live, chosen by `PUBLISHER_BLOB_STORE`: the database (PostgreSQL's
default: every process on every machine sees the same files) or the data dir's disk (SQLite's
default: one machine).

Both are content-addressed by SHA-256, so the same file is stored once, and both are written
durably before the row that names a blob is committed (a row never points at missing bytes; a
failed commit leaves at most an unused blob). Reading is by chunk: a download streams, holding
one chunk in memory and a database connection only while fetching it, so a slow client never
holds a pooled connection.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from sqlalchemy import Connection, Engine, insert, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError

from publisher.blobs.models import Blob, BlobChunk
from publisher.timeutil import now_utc

#: one chunk row (database) or one read (disk); small enough to hold, large enough to be few
CHUNK_BYTES = 256 * 1024
DIGEST = re.compile(r"[0-9a-f]{64}")


def digest_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def chunks_of(data: bytes, size: int = CHUNK_BYTES) -> Iterator[bytes]:
    view = memoryview(data)
    for start in range(0, len(data), size):
        yield bytes(view[start : start + size])


@dataclass(frozen=True)
class StoredBlob:
    """A blob found in a store: its size, and its bytes one chunk at a time."""

    sha256: str
    size: int
    store: BlobStore

    def iter_chunks(self) -> Iterator[bytes]:
        return self.store.iter_chunks(self.sha256)


class BlobStore(Protocol):
    name: str

    def put(self, data: bytes) -> str:
        """Store the bytes durably; their SHA-256."""
        ...

    def put_chunks(self, sha256: str, size: int, chunks: Iterable[bytes]) -> bool:
        """Store a blob whose digest the caller computed, from chunks; False if it was there."""
        ...

    def find(self, sha256: str) -> StoredBlob | None: ...

    def iter_chunks(self, sha256: str) -> Iterator[bytes]: ...


def check_digest(sha256: str) -> str:
    if not DIGEST.fullmatch(sha256):
        raise ValueError("not a SHA-256 hex digest")
    return sha256


class DiskBlobStore:
    """Files under `<data_dir>/attachments/<sha256>`: temp file, fsync, rename, fsync the
    folder, so a stored blob survives a crash."""

    name = "disk"

    def __init__(self, data_dir: Path) -> None:
        self.root = data_dir / "attachments"

    def path(self, sha256: str) -> Path:
        return self.root / check_digest(sha256)

    def put(self, data: bytes) -> str:
        digest = digest_of(data)
        self.put_chunks(digest, len(data), chunks_of(data))
        return digest

    def put_chunks(self, sha256: str, size: int, chunks: Iterable[bytes]) -> bool:
        target = self.path(sha256)
        if target.is_file() and target.stat().st_size == size:
            return False
        self.root.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.root, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as handle:
                for chunk in chunks:
                    handle.write(chunk)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        dir_fd = os.open(self.root, os.O_RDONLY)
        try:
            os.fsync(dir_fd)  # the rename itself must survive a crash
        finally:
            os.close(dir_fd)
        return True

    def find(self, sha256: str) -> StoredBlob | None:
        path = self.path(sha256)
        if not path.is_file():
            return None
        return StoredBlob(sha256, path.stat().st_size, self)

    def iter_chunks(self, sha256: str) -> Iterator[bytes]:
        with self.path(sha256).open("rb") as handle:
            while chunk := handle.read(CHUNK_BYTES):
                yield chunk


class DatabaseBlobStore:
    """Rows of `blob` and `blob_chunk`, on the service's own database. A blob and its chunks
    are committed together, in a transaction of their own (as a file is written before the row
    naming it); two processes storing the same content at once both succeed, one row kept."""

    name = "database"

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def put(self, data: bytes) -> str:
        digest = digest_of(data)
        self.put_chunks(digest, len(data), chunks_of(data))
        return digest

    def put_chunks(self, sha256: str, size: int, chunks: Iterable[bytes]) -> bool:
        check_digest(sha256)
        if self.find(sha256) is not None:
            return False
        try:
            with self.engine.begin() as connection:
                # the blob row first (the chunks' foreign key): a concurrent writer of the same
                # content waits here on PostgreSQL's unique index, then fails, and finds it
                connection.execute(
                    insert(Blob).values(sha256=sha256, size=size, chunks=0, stored_at=now_utc())
                )
                count = 0
                for seq, chunk in enumerate(chunks):
                    connection.execute(insert(BlobChunk).values(sha256=sha256, seq=seq, data=chunk))
                    count += 1
                connection.execute(update(Blob).where(Blob.sha256 == sha256).values(chunks=count))
        except IntegrityError:
            if self.find(sha256) is None:
                raise
            return False
        return True

    def find(self, sha256: str) -> StoredBlob | None:
        with self.engine.connect() as connection:
            size = connection.scalar(select(Blob.size).where(Blob.sha256 == check_digest(sha256)))
        return None if size is None else StoredBlob(sha256, size, self)

    def iter_chunks(self, sha256: str) -> Iterator[bytes]:
        """One short query per chunk, the connection returned to the pool between them."""
        with self.engine.connect() as connection:
            count = connection.scalar(select(Blob.chunks).where(Blob.sha256 == sha256)) or 0
        for seq in range(count):
            with self.engine.connect() as connection:
                data = connection.scalar(
                    select(BlobChunk.data).where(BlobChunk.sha256 == sha256, BlobChunk.seq == seq)
                )
            if data is None:  # a blob is committed with all its chunks: cannot happen
                raise LookupError(f"blob {sha256} lacks chunk {seq}")
            yield bytes(data)


def put_in_transaction(connection: Connection, data: bytes) -> str:
    """Store the bytes as database blob rows inside the caller's transaction, so they commit or
    roll back with the row that names them (a comment and its files: a refused comment leaves
    no blob, a receipted one never lacks its file). Content already stored, or being stored by
    a concurrent transaction, is not written twice and never fails the caller's transaction.
    Returns the SHA-256."""
    digest = digest_of(data)
    pieces = list(chunks_of(data))
    values = {"sha256": digest, "size": len(data), "chunks": len(pieces), "stored_at": now_utc()}
    dialect = connection.dialect.name
    if dialect not in ("postgresql", "sqlite"):  # pragma: no cover - the service runs on these
        raise ValueError(f"no blob rows on {dialect}")
    dialect_insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    statement = dialect_insert(Blob).values(values).on_conflict_do_nothing()
    if connection.execute(statement.returning(Blob.sha256)).scalar() is not None:
        for seq, chunk in enumerate(pieces):
            connection.execute(insert(BlobChunk).values(sha256=digest, seq=seq, data=chunk))
    return digest


def blob_store(kind: str, engine: Engine, data_dir: Path) -> BlobStore:
    """The store the setting names; `auto` is the database on PostgreSQL, disk otherwise."""
    if kind == "auto":
        kind = "database" if engine.dialect.name == "postgresql" else "disk"
    if kind == "database":
        return DatabaseBlobStore(engine)
    if kind == "disk":
        return DiskBlobStore(data_dir)
    raise ValueError(f"unknown blob store {kind!r}")
