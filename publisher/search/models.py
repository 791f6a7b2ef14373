"""The search index: one row per public thing that can be found (docs/search.md).

The words are stored per database: PostgreSQL in the row's ``terms`` (a ``tsvector`` built from
jieba's words, weighted A for the title and B for the rest, GIN-indexed); SQLite in the FTS5
table ``search_fts`` (rowid = this row's id), which the models do not describe
(`publisher.storage.base.UNMANAGED_TABLES`). Everything else — what a hit shows, the filters,
when it becomes visible — is in this table on both.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.orm import Mapped, mapped_column

from publisher.storage.base import Base
from publisher.storage.types import UTCDateTime

#: the FTS5 table of the SQLite index (created by the migration)
FTS_TABLE = "search_fts"


class SearchEntry(Base):
    __tablename__ = "search_entry"
    __table_args__ = (
        UniqueConstraint("kind", "key", name="uq_search_entry_kind_key"),
        Index("ix_search_entry_terms", "terms", postgresql_using="gin"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    key: Mapped[str] = mapped_column(String(80))
    title: Mapped[str] = mapped_column(String(500))
    #: the title folded (no spaces or punctuation, lower case): an exact match ranks first
    title_key: Mapped[str] = mapped_column(String(500), index=True)
    url: Mapped[str] = mapped_column(String(300))
    department: Mapped[str] = mapped_column(String(200), default="", index=True)
    #: a stored state that ends the thing early ("cancelled", "withdrawn"); "" otherwise
    status: Mapped[str] = mapped_column(String(16), default="")
    #: the period the thing is current (a meeting, a consultation's window); None: no period
    starts_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    ends_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    #: its date in Beijing time as a day number (date.toordinal): date filter and recency
    day: Mapped[int | None] = mapped_column(Integer, index=True)
    #: not found before this instant (a notice scheduled for publication); None: at once
    visible_from: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    #: the public text the snippets are cut from
    body: Mapped[str] = mapped_column(Text, default="")
    #: PostgreSQL's index of the words; unused (NULL) on SQLite, whose index is FTS5
    terms: Mapped[str | None] = mapped_column(TSVECTOR().with_variant(Text(), "sqlite"))
