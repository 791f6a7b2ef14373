"""Dependencies and public response models shared by the consultation routers."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel
from sqlalchemy.orm import Session

from consultation import attachments, service
from consultation.models import Comment, ConsultationAttachment, ConsultationDraft
from publisher.mail import send_mail
from publisher.privacy import PublicModel, mask_personal_text
from publisher.rules.predisclosure import CONSULTATION_RULES, ConsultationProfile
from publisher.settings import Settings
from publisher.timeutil import to_local

# the clock (`Now`) and calendar dependencies are shared: publisher.web.deps


class ExtensionOut(PublicModel):
    previous_closes_at: dt.datetime
    new_closes_at: dt.datetime
    reason: str
    extended_at: dt.datetime


class SummaryItemOut(PublicModel):
    number: int
    section: str
    text: str
    disposition: str
    disposition_zh: str
    answer: str


class SummaryOut(PublicModel):
    published_at: dt.datetime
    outcome_text: str
    comments_total: int
    counts: dict[str, int]
    items: list[SummaryItemOut]


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
    uploaded_at: dt.datetime
    download_url: str
    text_url: str


class ConsultationOut(PublicModel):
    id: int
    title: str
    department: str
    state: str
    state_zh: str
    profile: str
    rule_zh: str
    opens_at: dt.datetime
    closes_at: dt.datetime
    shorter_reason: str | None
    published_at: dt.datetime
    sequence: int
    updated_at: dt.datetime
    url: str


class ConsultationDetailOut(ConsultationOut):
    draft_text: str
    basis_text: str
    explanation_text: str
    extensions: list[ExtensionOut]
    attachments: list[AttachmentOut]
    comments_url: str
    adoption_summary: SummaryOut | None


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

    def to_input(self) -> service.CommentInput:
        return service.CommentInput(
            text=self.text,
            section=self.section,
            name=self.name,
            phone=self.phone,
            email=self.email,
            anonymous=self.anonymous,
            consent_publish=self.consent_publish,
            honeypot=self.website,
        )


class ReceiptOut(PublicModel):
    receipt_code: str
    consultation_id: int
    submitted_at: dt.datetime
    status_url: str
    message_zh: str


class CommentStatusOut(PublicModel):
    receipt_code: str
    consultation_id: int
    consultation_title: str
    submitted_at: dt.datetime
    section: str
    text: str
    status: str
    status_zh: str
    disposition: str | None
    disposition_zh: str | None
    answer: str | None
    answered_at: dt.datetime | None


def rule_zh(profile: str) -> str:
    rule = CONSULTATION_RULES[ConsultationProfile(profile)]
    return rule.citation.render_zh()


def consultation_out(draft: ConsultationDraft, now: dt.datetime) -> ConsultationOut:
    state = service.window_state(draft, now)
    assert draft.published_at is not None
    return ConsultationOut(
        id=draft.id,
        title=draft.title,
        department=draft.department,
        state=state.value,
        state_zh=state.label_zh,
        profile=draft.profile,
        rule_zh=rule_zh(draft.profile),
        opens_at=to_local(draft.opens_at),
        closes_at=to_local(draft.closes_at),
        shorter_reason=draft.shorter_reason,
        published_at=to_local(draft.published_at),
        sequence=draft.sequence,
        updated_at=to_local(draft.updated_at),
        url=f"/consultations/{draft.id}",
    )


def attachment_url(attachment: ConsultationAttachment) -> str:
    return f"/consultations/{attachment.draft_id}/attachments/{attachment.id}"


def attachment_out(attachment: ConsultationAttachment, has_text: bool) -> AttachmentOut:
    url = attachment_url(attachment)
    return AttachmentOut(
        id=attachment.id,
        title=attachment.title,
        filename=attachment.filename,
        media_type=attachment.media_type,
        type_zh=attachments.type_label(attachment.media_type),
        size=attachment.size,
        size_zh=attachments.human_size(attachment.size),
        sha256=attachment.sha256,
        has_text=has_text,
        uploaded_at=to_local(attachment.uploaded_at),
        download_url=url,
        text_url=f"{url}/text",
    )


def summary_out(summary: service.AdoptionSummary | None) -> SummaryOut | None:
    if summary is None:
        return None
    return SummaryOut(
        published_at=to_local(summary.published_at),
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


def detail_out(
    session: Session, draft: ConsultationDraft, now: dt.datetime
) -> ConsultationDetailOut:
    base = consultation_out(draft, now)
    return ConsultationDetailOut(
        **base.model_dump(),
        draft_text=draft.draft_text,
        basis_text=draft.basis_text,
        explanation_text=draft.explanation_text,
        extensions=[
            ExtensionOut(
                previous_closes_at=to_local(e.previous_closes_at),
                new_closes_at=to_local(e.new_closes_at),
                reason=e.reason,
                extended_at=to_local(e.extended_at),
            )
            for e in draft.extensions
        ],
        attachments=[
            attachment_out(a, has_text)
            for a, has_text in attachments.list_with_text_flag(session, draft.id)
        ],
        comments_url=f"/api/v1/consultations/{draft.id}/comments",
        adoption_summary=summary_out(service.adoption_summary(session, draft)),
    )


def comment_status(comment: Comment) -> tuple[str, str]:
    if comment.disposition:
        return "answered", "已答复"
    if comment.hidden_at:
        return "not_displayed", "已收到，经审核不予公开展示"
    return "received", "已收到，正在办理"


def status_out(comment: Comment) -> CommentStatusOut:
    status, status_zh = comment_status(comment)
    disposition = service.Disposition(comment.disposition) if comment.disposition else None
    return CommentStatusOut(
        receipt_code=comment.receipt_code,
        consultation_id=comment.draft_id,
        consultation_title=comment.draft.title,
        submitted_at=to_local(comment.submitted_at),
        section=mask_personal_text(comment.section),
        text=mask_personal_text(comment.body),
        status=status,
        status_zh=status_zh,
        disposition=disposition.value if disposition else None,
        disposition_zh=disposition.label_zh if disposition else None,
        answer=mask_personal_text(comment.answer_text) if comment.answer_text else None,
        answered_at=to_local(comment.answered_at) if comment.answered_at else None,
    )


def send_answer_mail(
    session: Session, settings: Settings, comments: list[Comment], now: dt.datetime
) -> int:
    """After the commit: a mail server that is down never loses the answer."""
    sent = [
        note.comment_id
        for note in service.answer_notifications(comments, settings.base_url)
        if send_mail(settings, note.to, note.subject, note.body)
    ]
    service.mark_notified(session, sent, now)
    return len(sent)
