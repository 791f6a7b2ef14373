"""Tables of decision pre-disclosure: drafts, their window extensions, attachments, and the
public's comments.

Comments are never deleted: moderation hides them with a logged reason. Personal data (name,
phone, e-mail) lives only here and in staff views; public models never carry it, and
`consultation.retention` erases it once its purpose is served. No network address is kept.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from publisher.storage.base import Base
from publisher.storage.generations import count_changes_locally, track_changes
from publisher.storage.types import UTCDateTime
from publisher.timeutil import now_utc


class ConsultationDraft(Base):
    """A draft decision (决策草案) open for public comment during its window."""

    __tablename__ = "consultation_draft"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    department: Mapped[str] = mapped_column(String(200), default="")
    draft_text: Mapped[str] = mapped_column(Text)
    basis_text: Mapped[str] = mapped_column(Text)
    explanation_text: Mapped[str] = mapped_column(Text, default="")
    profile: Mapped[str] = mapped_column(String(16))
    shorter_reason: Mapped[str | None] = mapped_column(Text)
    opens_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    closes_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    # 第四条: nothing is public before its publication time; a secret matter is never published.
    published_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    secret_by_law: Mapped[bool] = mapped_column(Boolean, default=False)
    outcome_text: Mapped[str | None] = mapped_column(Text)
    summary_published_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    #: iCalendar SEQUENCE of the deadline event: raised when its title, opening or close
    #: changes, not by attachments or the adoption summary
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now_utc)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now_utc)
    created_by: Mapped[str] = mapped_column(String(64))

    extensions: Mapped[list[WindowExtension]] = relationship(
        back_populates="draft", order_by="WindowExtension.id"
    )
    attachments: Mapped[list[ConsultationAttachment]] = relationship(
        order_by="ConsultationAttachment.id", viewonly=True
    )
    outcomes: Mapped[list[OutcomeLink]] = relationship(order_by="OutcomeLink.role", viewonly=True)


class WindowExtension(Base):
    """One extension of a window, shown publicly with its reason."""

    __tablename__ = "consultation_extension"

    id: Mapped[int] = mapped_column(primary_key=True)
    draft_id: Mapped[int] = mapped_column(ForeignKey("consultation_draft.id"), index=True)
    previous_closes_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    new_closes_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    reason: Mapped[str] = mapped_column(Text)
    extended_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    extended_by: Mapped[str] = mapped_column(String(64))

    draft: Mapped[ConsultationDraft] = relationship(back_populates="extensions")


class ConsultationAttachment(Base):
    """A document attached to a draft (决策依据、起草说明…), kept byte for byte as uploaded.

    The bytes live in the data directory under their SHA-256 (content-addressed, so the same
    file uploaded twice is stored once); `text` is what could be extracted for reading on a
    phone, empty for a scanned PDF. Deferred: lists of attachments never load it.
    """

    __tablename__ = "consultation_attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    draft_id: Mapped[int] = mapped_column(ForeignKey("consultation_draft.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    filename: Mapped[str] = mapped_column(String(255))
    media_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text, deferred=True)
    #: the text version stops before the original's end (see consultation.attachments)
    text_truncated: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    uploaded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    uploaded_by: Mapped[str] = mapped_column(String(64))


class OutcomeLink(Base):
    """A closed consultation's outcome (第七条): the decision as issued, or its 政策解读, as a
    gazette document or a file attached to the draft. One of each role per draft; linking
    again replaces it. The title is kept here, so the feed reads no gazette table."""

    __tablename__ = "consultation_outcome_link"
    __table_args__ = (UniqueConstraint("draft_id", "role", name="uq_consultation_outcome_role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    draft_id: Mapped[int] = mapped_column(ForeignKey("consultation_draft.id"), index=True)
    role: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(500))
    document_id: Mapped[str | None] = mapped_column(
        String(80), ForeignKey("gazette_document.id"), index=True
    )
    attachment_id: Mapped[int | None] = mapped_column(ForeignKey("consultation_attachment.id"))
    linked_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    linked_by: Mapped[str] = mapped_column(String(64))

    @property
    def path(self) -> str:
        """Where it is read on this site."""
        if self.document_id is not None:
            return f"/documents/{self.document_id}"
        return f"/consultations/{self.draft_id}/attachments/{self.attachment_id}"


class Comment(Base):
    """An opinion on a draft, from the web form, the API or an offline channel (第五条)."""

    __tablename__ = "consultation_comment"
    __table_args__ = (
        UniqueConstraint("draft_id", "idempotency_key", name="uq_consultation_comment_idem"),
        Index("ix_consultation_comment_draft_hash", "draft_id", "text_hash"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    draft_id: Mapped[int] = mapped_column(ForeignKey("consultation_draft.id"), index=True)
    receipt_code: Mapped[str] = mapped_column(String(20), unique=True)
    idempotency_key: Mapped[str | None] = mapped_column(String(100))
    channel: Mapped[str] = mapped_column(String(20))
    body: Mapped[str] = mapped_column(Text)
    section: Mapped[str] = mapped_column(String(200), default="")
    commenter_name: Mapped[str | None] = mapped_column(String(100))
    phone: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(254))
    anonymous: Mapped[bool] = mapped_column(Boolean, default=False)
    consent_publish: Mapped[bool] = mapped_column(Boolean, default=False)
    text_hash: Mapped[str] = mapped_column(String(64))
    flagged_spam: Mapped[bool] = mapped_column(Boolean, default=False)
    duplicate_of_id: Mapped[int | None] = mapped_column(Integer)
    submitted_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    recorded_by: Mapped[str | None] = mapped_column(String(64))
    hidden_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    hidden_reason: Mapped[str | None] = mapped_column(Text)
    hidden_by: Mapped[str | None] = mapped_column(String(64))
    disposition: Mapped[str | None] = mapped_column(String(20))
    answer_text: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    answered_by: Mapped[str | None] = mapped_column(String(64))
    notified_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    #: when the retention rule erased the name and contact details (they read None after)
    contact_erased_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    #: the version of the draft the comment was made on (comments older than versions: 1)
    version_number: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    #: the article (or paragraph) it concerns, a key of `consultation.articles` ("a3"); None:
    #: the whole draft
    article_key: Mapped[str | None] = mapped_column(String(20))
    #: the passage of that article the commenter selected, if any
    quote: Mapped[str | None] = mapped_column(Text)

    draft: Mapped[ConsultationDraft] = relationship()

    @property
    def flagged(self) -> bool:
        return self.flagged_spam or self.duplicate_of_id is not None


class DraftVersion(Base):
    """A version of a draft's text (第N稿): the first as published, each revision with the
    reason for it and whether the office judged it material; the last may be the final decided
    text. Rows exist from the first revision on; until then version 1 is the draft's text."""

    __tablename__ = "consultation_version"
    __table_args__ = (UniqueConstraint("draft_id", "number", name="uq_consultation_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    draft_id: Mapped[int] = mapped_column(ForeignKey("consultation_draft.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text, default="")
    material: Mapped[bool] = mapped_column(Boolean, default=False)
    final: Mapped[bool] = mapped_column(Boolean, default=False)
    published_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    published_by: Mapped[str] = mapped_column(String(64))


class CommentTag(Base):
    """A staff tag on a comment (free words, per consultation: "停车收费", "重复来信"), for
    filtering and export. Staff only; never public."""

    __tablename__ = "consultation_comment_tag"
    __table_args__ = (
        UniqueConstraint("comment_id", "tag", name="uq_consultation_comment_tag"),
        Index("ix_consultation_comment_tag_draft_tag", "draft_id", "tag"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    draft_id: Mapped[int] = mapped_column(ForeignKey("consultation_draft.id"))
    comment_id: Mapped[int] = mapped_column(ForeignKey("consultation_comment.id"), index=True)
    tag: Mapped[str] = mapped_column(String(40))
    tagged_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    tagged_by: Mapped[str] = mapped_column(String(64))


class CommentGroup(Base):
    """Near-duplicate comments merged to be answered once (a campaign of identical letters):
    one disposition and reason for all, each commenter still told."""

    __tablename__ = "consultation_comment_group"

    id: Mapped[int] = mapped_column(primary_key=True)
    draft_id: Mapped[int] = mapped_column(ForeignKey("consultation_draft.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(String(64))


class CommentGroupMember(Base):
    """A comment's place in a group; a comment is in one group at most."""

    __tablename__ = "consultation_comment_group_member"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("consultation_comment_group.id"), index=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("consultation_comment.id"), unique=True)


class CommentPublication(Base):
    """A comment published in full after review (with the commenter's consent): the public text
    is the original with the staff's redactions applied and personal data masked, fixed when
    published. The original stays in `Comment.body`, for staff only."""

    __tablename__ = "consultation_comment_publication"

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("consultation_comment.id"), unique=True)
    draft_id: Mapped[int] = mapped_column(ForeignKey("consultation_draft.id"), index=True)
    public_text: Mapped[str] = mapped_column(Text)
    published_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    published_by: Mapped[str] = mapped_column(String(64))


class CommentRedaction(Base):
    """A passage staff removed from a published comment, with the stated reason (shown in its
    place: "［依法删除：个人隐私］"). The passage itself is staff-only."""

    __tablename__ = "consultation_comment_redaction"

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("consultation_comment.id"), index=True)
    passage: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(String(200))
    redacted_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    redacted_by: Mapped[str] = mapped_column(String(64))


class CommentAttachment(Base):
    """A file a citizen attached to a comment (PDF, DOCX, JPEG, PNG), stored cleaned of its
    metadata (`consultation.comment_files`) in the database's blob rows, in the comment's own
    transaction. Staff see it; the public only once the comment is published and staff approved
    this file (`approved_at`), under a neutral name (the commenter's file name may carry
    personal data and stays staff-only)."""

    __tablename__ = "consultation_comment_attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("consultation_comment.id"), index=True)
    draft_id: Mapped[int] = mapped_column(ForeignKey("consultation_draft.id"), index=True)
    #: 1, 2, 3 in the order the commenter attached them
    position: Mapped[int] = mapped_column(Integer)
    #: the commenter's file name, sanitised (staff only)
    filename: Mapped[str] = mapped_column(String(255))
    media_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64), ForeignKey("blob.sha256"))
    uploaded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    approved_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    approved_by: Mapped[str | None] = mapped_column(String(64))


#: what the public feeds read: a write bumps the table's generation (storage.generations)
track_changes(ConsultationDraft, WindowExtension, ConsultationAttachment, OutcomeLink)
#: what a draft's page reads besides: comments (counts per article), their published text and
#: files, the versions (counted here only: see `consultation.web.public_pages`)
count_changes_locally(Comment, CommentAttachment, CommentPublication, DraftVersion)
