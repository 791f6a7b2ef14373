"""The consultation API's and pages' data shapes: what comes in, and what the public and staff
see. Public models derive from `PublicModel` (no personal fields, ever); every instant goes out
in Beijing time (`LocalInstant`); mappers are `Model.of(...)` class methods beside each model.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from consultation import attachments, comments, drafts
from consultation.comments import CommentInput
from consultation.models import Comment, ConsultationAttachment, ConsultationDraft
from consultation.summary import AdoptionSummary, adoption_summary
from consultation.vocabulary import Channel, Disposition
from consultation.web.earliest_close import EarliestCloseOut, earliest_close_fields
from consultation.web.outcome_schemas import OutcomeLinkOut
from publisher.privacy import PublicModel, mask_personal_text
from publisher.rules.predisclosure import (
    CONSULTATION_RULES,
    ConsultationProfile,
)
from publisher.rules.rulebook import RuleBook
from publisher.web.deps import IdField
from publisher.web.schemas import LocalInstant


def rule_zh(profile: str) -> str:
    """The rule a window follows, cited in Chinese."""
    return CONSULTATION_RULES[ConsultationProfile(profile)].citation.render_zh()


def attachment_url(attachment: ConsultationAttachment) -> str:
    return f"/consultations/{attachment.draft_id}/attachments/{attachment.id}"


# ---------------------------------------------------------------------------------- public


class ExtensionOut(PublicModel):
    previous_closes_at: LocalInstant
    new_closes_at: LocalInstant
    reason: str
    extended_at: LocalInstant


class SummaryItemOut(PublicModel):
    number: int
    section: str
    text: str
    disposition: str
    disposition_zh: str
    answer: str


class SummaryOut(PublicModel):
    published_at: LocalInstant
    outcome_text: str
    comments_total: int
    counts: dict[str, int]
    items: list[SummaryItemOut]

    @classmethod
    def of(cls, summary: AdoptionSummary | None) -> SummaryOut | None:
        if summary is None:
            return None
        return cls(
            published_at=summary.published_at,
            outcome_text=summary.outcome_text,
            comments_total=summary.total,
            counts={d.value: n for d, n in summary.counts.items()},
            items=[
                SummaryItemOut(
                    number=i.number,
                    section=i.section,
                    text=i.text,
                    disposition=i.disposition.value,
                    disposition_zh=i.disposition.label_zh,
                    answer=i.answer,
                )
                for i in summary.items
            ],
        )


class AttachmentOut(PublicModel):
    """An attached document: the original for download, and its text for reading on a phone."""

    id: int
    title: str
    filename: str
    media_type: str
    type_zh: str
    size: int
    size_zh: str
    sha256: str
    has_text: bool
    text_truncated: bool = Field(
        description="the text version stops before the original's end; the download is complete"
    )
    uploaded_at: LocalInstant
    download_url: str
    text_url: str

    @classmethod
    def of(cls, attachment: ConsultationAttachment, has_text: bool) -> AttachmentOut:
        url = attachment_url(attachment)
        return cls(
            id=attachment.id,
            title=attachment.title,
            filename=attachment.filename,
            media_type=attachment.media_type,
            type_zh=attachments.type_label(attachment.media_type),
            size=attachment.size,
            size_zh=attachments.human_size(attachment.size),
            sha256=attachment.sha256,
            has_text=has_text,
            text_truncated=attachment.text_truncated,
            uploaded_at=attachment.uploaded_at,
            download_url=url,
            text_url=f"{url}/text",
        )

    @classmethod
    def list_of(cls, session: Session, draft_id: int) -> list[AttachmentOut]:
        return [
            cls.of(a, has_text)
            for a, has_text in attachments.list_with_text_flag(session, draft_id)
        ]


class ConsultationOut(PublicModel):
    id: int
    title: str
    department: str
    state: str
    state_zh: str
    profile: str
    rule_zh: str
    opens_at: LocalInstant
    closes_at: LocalInstant
    shorter_reason: str | None
    published_at: LocalInstant
    sequence: int
    updated_at: LocalInstant
    url: str

    @classmethod
    def of(cls, draft: ConsultationDraft, now: dt.datetime) -> ConsultationOut:
        state = drafts.window_state(draft, now)
        assert draft.published_at is not None
        return cls(
            id=draft.id,
            title=draft.title,
            department=draft.department,
            state=state.value,
            state_zh=state.label_zh,
            profile=draft.profile,
            rule_zh=rule_zh(draft.profile),
            opens_at=draft.opens_at,
            closes_at=draft.closes_at,
            shorter_reason=draft.shorter_reason,
            published_at=draft.published_at,
            sequence=draft.sequence,
            updated_at=draft.updated_at,
            url=f"/consultations/{draft.id}",
        )


class ConsultationDetailOut(ConsultationOut):
    draft_text: str
    basis_text: str
    explanation_text: str
    extensions: list[ExtensionOut]
    attachments: list[AttachmentOut]
    comments_url: str
    adoption_summary: SummaryOut | None
    outcomes: list[OutcomeLinkOut]

    @classmethod
    def of_detail(
        cls, session: Session, draft: ConsultationDraft, now: dt.datetime
    ) -> ConsultationDetailOut:
        base = ConsultationOut.of(draft, now)
        return cls(
            **base.model_dump(),
            draft_text=draft.draft_text,
            basis_text=draft.basis_text,
            explanation_text=draft.explanation_text,
            extensions=[
                ExtensionOut(
                    previous_closes_at=e.previous_closes_at,
                    new_closes_at=e.new_closes_at,
                    reason=e.reason,
                    extended_at=e.extended_at,
                )
                for e in draft.extensions
            ],
            attachments=AttachmentOut.list_of(session, draft.id),
            comments_url=f"/api/v1/consultations/{draft.id}/comments",
            adoption_summary=SummaryOut.of(adoption_summary(session, draft)),
            outcomes=OutcomeLinkOut.list_of(draft),
        )


class CommentIn(BaseModel):
    """What a citizen sends. Not a public model: it carries the contact details staff need."""

    text: str
    section: str = ""
    name: str = ""
    phone: str = ""
    email: str = ""
    anonymous: bool = False
    consent_publish: bool = False
    website: str = ""  # honeypot: people never see it, so only robots fill it in
    #: the article commented on ("a3", see GET …/articles); empty: the whole draft
    article: str = Field("", max_length=20)
    #: a passage of that article the comment is about
    quote: str = Field("", max_length=2000)

    def to_input(self) -> CommentInput:
        return CommentInput(
            text=self.text,
            section=self.section,
            name=self.name,
            phone=self.phone,
            email=self.email,
            anonymous=self.anonymous,
            consent_publish=self.consent_publish,
            honeypot=self.website,
            article=self.article,
            quote=self.quote,
        )


class ReceiptOut(PublicModel):
    receipt_code: str
    consultation_id: int
    submitted_at: LocalInstant
    status_url: str
    message_zh: str

    @classmethod
    def of(cls, comment: Comment) -> ReceiptOut:
        return cls(
            receipt_code=comment.receipt_code,
            consultation_id=comment.draft_id,
            submitted_at=comment.submitted_at,
            status_url=f"/api/v1/comments/{comment.receipt_code}",
            message_zh="意见已收到。请保存回执码，凭此查询办理情况和答复。",
        )


def comment_status(comment: Comment) -> tuple[str, str]:
    if comment.disposition:
        return "answered", "已答复"
    if comment.hidden_at:
        return "not_displayed", "已收到，经审核不予公开展示"
    return "received", "已收到，正在办理"


class CommentStatusOut(PublicModel):
    receipt_code: str
    consultation_id: int
    consultation_title: str
    submitted_at: LocalInstant
    section: str
    text: str
    status: str
    status_zh: str
    disposition: str | None
    disposition_zh: str | None
    answer: str | None
    answered_at: LocalInstant | None

    @classmethod
    def of(cls, comment: Comment) -> CommentStatusOut:
        status, status_zh = comment_status(comment)
        disposition = Disposition(comment.disposition) if comment.disposition else None
        return cls(
            receipt_code=comment.receipt_code,
            consultation_id=comment.draft_id,
            consultation_title=comment.draft.title,
            submitted_at=comment.submitted_at,
            section=mask_personal_text(comment.section),
            text=mask_personal_text(comment.body),
            status=status,
            status_zh=status_zh,
            disposition=disposition.value if disposition else None,
            disposition_zh=disposition.label_zh if disposition else None,
            answer=mask_personal_text(comment.answer_text) if comment.answer_text else None,
            answered_at=comment.answered_at,
        )


# ----------------------------------------------------------------------------------- staff


class DraftIn(BaseModel):
    title: str = Field(max_length=300)
    department: str = Field("", max_length=200)
    draft_text: str = Field(max_length=200_000)
    basis_text: str = Field(max_length=100_000)
    explanation_text: str = Field("", max_length=100_000)
    profile: ConsultationProfile = ConsultationProfile.CITY
    opens_at: dt.datetime
    closes_at: dt.datetime
    shorter_reason: str | None = Field(None, max_length=5000)
    publish_at: dt.datetime | None = None
    secret_by_law: bool = False

    def to_input(self) -> drafts.DraftInput:
        return drafts.DraftInput(**self.model_dump())


class StaffDraftOut(EarliestCloseOut):
    id: int
    title: str
    state: str
    profile: str
    opens_at: LocalInstant
    closes_at: LocalInstant
    shorter_reason: str | None
    published_at: LocalInstant | None
    secret_by_law: bool
    summary_published_at: LocalInstant | None
    sequence: int
    updated_at: LocalInstant

    @classmethod
    def of(
        cls, draft: ConsultationDraft, now: dt.datetime, rules: RuleBook | None = None
    ) -> StaffDraftOut:
        return cls(
            **earliest_close_fields(draft, rules),
            id=draft.id,
            title=draft.title,
            state=drafts.window_state(draft, now).value,
            profile=draft.profile,
            opens_at=draft.opens_at,
            closes_at=draft.closes_at,
            shorter_reason=draft.shorter_reason,
            published_at=draft.published_at,
            secret_by_law=draft.secret_by_law,
            summary_published_at=draft.summary_published_at,
            sequence=draft.sequence,
            updated_at=draft.updated_at,
        )


class ExtendIn(BaseModel):
    closes_at: dt.datetime
    reason: str = Field(max_length=5000)


class PublishIn(BaseModel):
    publish_at: dt.datetime | None = None


class StaffCommentOut(BaseModel):
    """Staff only: carries the commenter's contact details."""

    id: int
    receipt_code: str
    channel: str
    text: str
    section: str
    commenter_name: str | None
    phone: str | None
    email: str | None
    anonymous: bool
    consent_publish: bool
    submitted_at: LocalInstant
    flagged_spam: bool
    duplicate_of_id: int | None
    hidden: bool
    hidden_reason: str | None
    disposition: str | None
    answer: str | None
    answered_at: LocalInstant | None
    notified_at: LocalInstant | None
    #: set when the retention rule erased name and contact details
    contact_erased_at: LocalInstant | None
    #: the draft version, article ("a3"; None: the whole draft) and quoted passage
    version_number: int = 1
    article_key: str | None = None
    quote: str | None = None

    @classmethod
    def of(cls, c: Comment) -> StaffCommentOut:
        return cls(
            id=c.id,
            receipt_code=c.receipt_code,
            channel=c.channel,
            text=c.body,
            section=c.section,
            commenter_name=c.commenter_name,
            phone=c.phone,
            email=c.email,
            anonymous=c.anonymous,
            consent_publish=c.consent_publish,
            submitted_at=c.submitted_at,
            flagged_spam=c.flagged_spam,
            duplicate_of_id=c.duplicate_of_id,
            hidden=c.hidden_at is not None,
            hidden_reason=c.hidden_reason,
            disposition=c.disposition,
            answer=c.answer_text,
            answered_at=c.answered_at,
            notified_at=c.notified_at,
            contact_erased_at=c.contact_erased_at,
            version_number=c.version_number,
            article_key=c.article_key,
            quote=c.quote,
        )


class OfflineCommentIn(BaseModel):
    channel: Channel
    text: str = Field(max_length=comments.MAX_COMMENT_CHARS * 2)
    section: str = ""
    name: str = ""
    phone: str = ""
    email: str = ""
    consent_publish: bool = False
    received_at: dt.datetime | None = None

    def to_input(self) -> CommentInput:
        return CommentInput(
            text=self.text,
            section=self.section,
            name=self.name,
            phone=self.phone,
            email=self.email,
            consent_publish=self.consent_publish,
        )


class AnswerIn(BaseModel):
    comment_ids: list[IdField] = Field(min_length=1, max_length=1000)
    disposition: Disposition
    reason: str = Field(max_length=10_000)


class AnswerOut(BaseModel):
    answered: int
    #: messages put in the outbox (e-mail and SMS); the worker delivers them after the request
    messages_queued: int


class HideIn(BaseModel):
    reason: str = Field(max_length=2000)
    hidden: bool = True


class SummaryIn(BaseModel):
    outcome_text: str = Field(max_length=100_000)


class StaffAttachmentOut(BaseModel):
    id: int
    draft_id: int
    title: str
    filename: str
    media_type: str
    size: int
    sha256: str
    text_chars: int
    text_truncated: bool = Field(
        description="the text version stops before the original's end (too long to extract)"
    )
    uploaded_at: LocalInstant
    uploaded_by: str
    download_url: str
    text_url: str

    @classmethod
    def of(cls, a: ConsultationAttachment) -> StaffAttachmentOut:
        url = attachment_url(a)
        return cls(
            id=a.id,
            draft_id=a.draft_id,
            title=a.title,
            filename=a.filename,
            media_type=a.media_type,
            size=a.size,
            sha256=a.sha256,
            text_chars=len(a.text),
            text_truncated=a.text_truncated,
            uploaded_at=a.uploaded_at,
            uploaded_by=a.uploaded_by,
            download_url=url,
            text_url=f"{url}/text",
        )
