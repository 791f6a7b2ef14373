"""Bytes kept in the database, so every process on every machine reads the same files and
`pg_dump` backs them up with the rest. A blob is its SHA-256; its bytes are rows of at most
`CHUNK_BYTES`, written and read one chunk at a time, never whole."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from publisher.storage.base import Base
from publisher.storage.types import UTCDateTime


class Blob(Base):
    """One stored content; it exists only once all its chunks are committed with it."""

    __tablename__ = "blob"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)
    chunks: Mapped[int] = mapped_column(Integer)
    stored_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class BlobChunk(Base):
    """The `seq`-th piece of a blob (0-based)."""

    __tablename__ = "blob_chunk"

    sha256: Mapped[str] = mapped_column(
        String(64), ForeignKey("blob.sha256", ondelete="CASCADE"), primary_key=True
    )
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    data: Mapped[bytes] = mapped_column(LargeBinary)
