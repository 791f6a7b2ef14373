"""Tables of meeting pre-disclosure: notices, their agenda items and outcome, their public
history, applications, opinions."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from publisher.meetings.vocabulary import ApplicationStatus, NoticeStatus
from publisher.storage.base import Base
from publisher.storage.generations import count_changes_locally, track_changes
from publisher.storage.types import UTCDateTime
from publisher.timeutil import now_utc


class MeetingNotice(Base):
    """An advance notice (公开预告). Public once ``published_at <= now`` and not withheld."""

    __tablename__ = "meeting_notice"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    ends_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    place: Mapped[str] = mapped_column(String(200), default="")
    agenda: Mapped[str] = mapped_column(Text, default="")
    participation: Mapped[str] = mapped_column(Text, default="")
    application_deadline: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    capacity: Mapped[int] = mapped_column(Integer, default=0)
    media_allowed: Mapped[bool] = mapped_column(Boolean, default=True)
    withheld: Mapped[bool] = mapped_column(Boolean, default=False)
    published_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, index=True)
    status: Mapped[str] = mapped_column(String(16), default=NoticeStatus.SCHEDULED.value)
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    #: a published notice taken down: when, and the reason shown in its place
    withdrawn_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    withdrawal_reason: Mapped[str | None] = mapped_column(Text)
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now_utc)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now_utc)
    created_by: Mapped[str] = mapped_column(String(64))

    revisions: Mapped[list[NoticeRevision]] = relationship(
        back_populates="notice", order_by="NoticeRevision.id"
    )
    agenda_items: Mapped[list[AgendaItem]] = relationship(
        back_populates="notice", order_by="AgendaItem.position", cascade="all, delete-orphan"
    )
    outcome: Mapped[MeetingOutcome | None] = relationship(back_populates="notice")

    def is_public(self, now: dt.datetime) -> bool:
        """Visibility is decided from the clock at read time (docs/meetings.md)."""
        return not self.withheld and self.published_at is not None and self.published_at <= now


class AgendaItem(Base):
    """One item of a notice's main content (主要内容), in order; its decision once the outcome
    is published."""

    __tablename__ = "meeting_agenda_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("meeting_notice.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    #: what the meeting decided on this item (the outcome's, public once it is published)
    decision: Mapped[str] = mapped_column(Text, default="")

    notice: Mapped[MeetingNotice] = relationship(back_populates="agenda_items")
    documents: Mapped[list[AgendaDocument]] = relationship(
        back_populates="item", order_by="AgendaDocument.position", cascade="all, delete-orphan"
    )


class AgendaDocument(Base):
    """A document of an agenda item: a link to a consultation draft, a gazette document or an
    attachment. A consultation is named by its URL only (meetings do not import it)."""

    __tablename__ = "meeting_agenda_document"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("meeting_agenda_item.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))
    label: Mapped[str] = mapped_column(String(200))
    url: Mapped[str] = mapped_column(String(500))

    item: Mapped[AgendaItem] = relationship(back_populates="documents")


class MeetingAttachment(Base):
    """A file staff uploaded as an agenda document (PDF or DOCX, checked by content). Its
    bytes are a blob (`publisher.blobs`); an item names it by its download path, as an
    `attachment` document, so replacing the items keeps the file. Public while a public
    notice's item links it."""

    __tablename__ = "meeting_attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("meeting_notice.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    filename: Mapped[str] = mapped_column(String(200))
    media_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    uploaded_by: Mapped[str] = mapped_column(String(64))

    def path(self) -> str:
        return f"/meetings/{self.notice_id}/attachments/{self.id}"


class MeetingOutcome(Base):
    """What came of a meeting, published by staff afterwards: a summary, links to the
    resulting documents, and counts only (attendance by category, opinions by handling)."""

    __tablename__ = "meeting_outcome"

    notice_id: Mapped[int] = mapped_column(ForeignKey("meeting_notice.id"), primary_key=True)
    summary_kind: Mapped[str] = mapped_column(String(16))
    summary: Mapped[str] = mapped_column(Text)
    links: Mapped[str] = mapped_column(Text, default="[]")  # JSON [{label, url}]
    attendance: Mapped[str] = mapped_column(Text, default="{}")  # JSON {category: count}
    opinions: Mapped[str] = mapped_column(Text, default="{}")  # JSON {state: count}
    no_shows: Mapped[int] = mapped_column(Integer, default=0)
    published_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    published_by: Mapped[str] = mapped_column(String(64))

    notice: Mapped[MeetingNotice] = relationship(back_populates="outcome")


class NoticeRevision(Base):
    """One public change to a published notice: which public fields changed, old and new."""

    __tablename__ = "meeting_notice_revision"

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("meeting_notice.id"), index=True)
    changed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    sequence: Mapped[int] = mapped_column(Integer)
    changes: Mapped[str] = mapped_column(Text)  # JSON: {field: [old, new]}
    reason: Mapped[str] = mapped_column(Text, default="")

    notice: Mapped[MeetingNotice] = relationship(back_populates="revisions")


class MeetingApplication(Base):
    """An attendance application (参会申请). Personal data: staff eyes only."""

    __tablename__ = "meeting_application"
    __table_args__ = (
        UniqueConstraint("notice_id", "phone", name="uq_meeting_application_phone"),
        UniqueConstraint("notice_id", "idempotency_key", name="uq_meeting_application_idem"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("meeting_notice.id"), index=True)
    receipt_code: Mapped[str] = mapped_column(String(20), unique=True)
    idempotency_key: Mapped[str | None] = mapped_column(String(100))
    applicant_name: Mapped[str] = mapped_column(String(100))
    #: None once the retention rule has erased it (`contact_erased_at`)
    phone: Mapped[str | None] = mapped_column(String(20))
    email: Mapped[str | None] = mapped_column(String(254))
    category: Mapped[str] = mapped_column(String(32))
    statement: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default=ApplicationStatus.PENDING.value)
    review_note: Mapped[str] = mapped_column(Text, default="")
    reviewed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    reviewed_by: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now_utc)
    contact_erased_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    #: the agenda item the applicant is concerned with, if they named one
    agenda_item_id: Mapped[int | None] = mapped_column(ForeignKey("meeting_agenda_item.id"))
    #: given at approval: the applicant shows it (or its QR) at the door
    checkin_code: Mapped[str | None] = mapped_column(String(16), unique=True)
    checked_in_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    notice: Mapped[MeetingNotice] = relationship()
    agenda_item: Mapped[AgendaItem | None] = relationship()
    opinions: Mapped[list[RepresentativeOpinion]] = relationship(
        back_populates="application", order_by="RepresentativeOpinion.id"
    )


class RepresentativeOpinion(Base):
    """An opinion of an attending representative (第七–八条), its assignment and answer."""

    __tablename__ = "meeting_opinion"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("meeting_application.id"), index=True)
    body: Mapped[str] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(64))  # "representative" or a staff username
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    department: Mapped[str | None] = mapped_column(String(200))
    assignment_note: Mapped[str] = mapped_column(Text, default="")
    assigned_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    answer: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    answered_by: Mapped[str | None] = mapped_column(String(64))
    agenda_item_id: Mapped[int | None] = mapped_column(ForeignKey("meeting_agenda_item.id"))
    #: the representative agreed that the answer be public (with the opinion, masked, no name)
    publish_answer: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    application: Mapped[MeetingApplication] = relationship(back_populates="opinions")


#: what the public feeds read: a write bumps the table's generation (storage.generations)
track_changes(MeetingNotice, NoticeRevision, AgendaItem, AgendaDocument, MeetingOutcome)
#: what a meeting's page reads besides: places taken, answers made public (counted here only)
count_changes_locally(MeetingApplication, RepresentativeOpinion)
