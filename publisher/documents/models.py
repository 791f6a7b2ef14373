"""Tables of the gazette issues and their documents.

A document's id is ``<issue id>-<position>`` (``2019-02-01``), the same id the
``gazette-documents`` dataset publishes, so a page URL, a feed GUID and a CSV row name one
document the same way and stay stable when the issue is ingested again.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from publisher.storage.base import Base
from publisher.storage.generations import track_changes
from publisher.storage.types import UTCDateTime


class GazetteIssueRow(Base):
    """One issue of the gazette; ``source_sha256`` lets start-up skip issues already stored."""

    __tablename__ = "gazette_issue"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # "2019-02", "<slug>-2019-02"
    title: Mapped[str] = mapped_column(String(200))
    year: Mapped[int] = mapped_column(Integer)
    number: Mapped[int] = mapped_column(Integer)
    cumulative_number: Mapped[int | None] = mapped_column(Integer)
    publication_date: Mapped[dt.date | None] = mapped_column(Date)
    sponsor: Mapped[str | None] = mapped_column(String(200))
    source_sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())

    documents: Mapped[list[GazetteDocument]] = relationship(
        back_populates="issue", order_by="GazetteDocument.position"
    )

    @property
    def label(self) -> str:
        total = f"（总第{self.cumulative_number}号）" if self.cumulative_number else ""
        return f"{self.title}{self.year}年第{self.number}号{total}"


class GazetteDocument(Base):
    """One document of an issue; ``revision`` goes up each time a re-ingest changes it."""

    __tablename__ = "gazette_document"
    __table_args__ = (UniqueConstraint("issue_id", "position"),)

    id: Mapped[str] = mapped_column(String(80), primary_key=True)  # "2019-02-01"
    issue_id: Mapped[str] = mapped_column(String(64), ForeignKey("gazette_issue.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)  # 1-based order in the issue
    section: Mapped[str | None] = mapped_column(String(100), index=True)
    number: Mapped[str | None] = mapped_column(String(100), index=True)
    title: Mapped[str] = mapped_column(String(500))
    issuer: Mapped[str | None] = mapped_column(String(200), index=True)
    date: Mapped[dt.date | None] = mapped_column(Date)
    related_numbers: Mapped[list[str]] = mapped_column(JSON)
    body: Mapped[str] = mapped_column(Text)
    revision: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    # 政府信息公开 metadata staff keep (publisher.documents.disclosure); a re-ingest keeps them
    topic: Mapped[str | None] = mapped_column(String(50))  # 主题分类
    validity: Mapped[str] = mapped_column(String(20), default="effective")  # 有效性
    validity_note: Mapped[str | None] = mapped_column(String(500))
    validity_changed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    issue: Mapped[GazetteIssueRow] = relationship(back_populates="documents")


#: what the public feeds read: a write bumps the table's generation (storage.generations)
track_changes(GazetteIssueRow, GazetteDocument)
