"""What the push remembers about CKAN: ids and content hashes, per dataset and per resource.

A row is written right after each successful CKAN write, so a push that dies midway loses at
most the knowledge of its last write, which the next push recovers by looking the dataset up
by its stable name (and resources by their key) before creating anything.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from publisher.storage.base import Base
from publisher.storage.types import UTCDateTime
from publisher.timeutil import now_utc

ACTIVE = "active"
DELETED = "deleted"


class CkanDatasetRecord(Base):
    """One dataset the push manages; `state` is `deleted` once deleted in CKAN (never purged)."""

    __tablename__ = "ckan_dataset"

    id: Mapped[int] = mapped_column(primary_key=True)
    local_name: Mapped[str] = mapped_column(String(200), unique=True)
    ckan_name: Mapped[str] = mapped_column(String(100), unique=True)
    ckan_id: Mapped[str | None] = mapped_column(String(64))
    #: hash of the package fields last written; None until the metadata is known to be in CKAN
    metadata_hash: Mapped[str | None] = mapped_column(String(64))
    #: extra keys the push set last time, so it can remove the ones it no longer sets
    owned_extra_keys: Mapped[list[str]] = mapped_column(JSON, default=list)
    state: Mapped[str] = mapped_column(String(16), default=ACTIVE)
    last_error: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now_utc, onupdate=now_utc)

    resources: Mapped[list[CkanResourceRecord]] = relationship(
        back_populates="dataset", cascade="all, delete-orphan", order_by="CkanResourceRecord.id"
    )


class CkanResourceRecord(Base):
    """One resource (file) of a managed dataset, keyed by its local name within the dataset."""

    __tablename__ = "ckan_resource"
    __table_args__ = (UniqueConstraint("dataset_id", "local_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dataset_id: Mapped[int] = mapped_column(ForeignKey("ckan_dataset.id", ondelete="CASCADE"))
    local_name: Mapped[str] = mapped_column(String(200))
    ckan_id: Mapped[str] = mapped_column(String(64))
    content_hash: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now_utc, onupdate=now_utc)

    dataset: Mapped[CkanDatasetRecord] = relationship(back_populates="resources")
