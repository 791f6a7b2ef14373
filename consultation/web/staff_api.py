"""Staff JSON API for consultations: drafts, windows, the comment queue, answers, summary."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, UploadFile
from fastapi.responses import PlainTextResponse
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from consultation import attachments, service
from consultation.models import Comment, ConsultationAttachment, ConsultationDraft
from consultation.web.common import (
    send_answer_mail,
)
from publisher.rules.predisclosure import ConsultationProfile
from publisher.staff import audit
from publisher.staff.principal import StaffPrincipal
from publisher.timeutil import to_local
from publisher.web.auth import require_editor, require_reviewer
from publisher.web.deps import Calendar, DbSession, IdField, IdPath, Now, SettingsDep

router = APIRouter(prefix="/api/v1/staff/consultations", tags=["staff: consultations"])

Editor = Annotated[StaffPrincipal, Depends(require_editor)]
Reviewer = Annotated[StaffPrincipal, Depends(require_reviewer)]


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


class StaffDraftOut(BaseModel):
    id: int
    title: str
    state: str
    profile: str
    opens_at: dt.datetime
    closes_at: dt.datetime
    earliest_close: dt.datetime | None
    shorter_reason: str | None
    published_at: dt.datetime | None
    secret_by_law: bool
    summary_published_at: dt.datetime | None
    sequence: int
    updated_at: dt.datetime


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
    submitted_at: dt.datetime
    flagged_spam: bool
    duplicate_of_id: int | None
    hidden: bool
    hidden_reason: str | None
    disposition: str | None
    answer: str | None
    answered_at: dt.datetime | None
    notified_at: dt.datetime | None


class OfflineCommentIn(BaseModel):
    channel: service.Channel
    text: str = Field(max_length=service.MAX_COMMENT_CHARS * 2)
    section: str = ""
    name: str = ""
    phone: str = ""
    email: str = ""
    consent_publish: bool = False
    received_at: dt.datetime | None = None


class AnswerIn(BaseModel):
    comment_ids: list[IdField] = Field(min_length=1, max_length=1000)
    disposition: service.Disposition
    reason: str = Field(max_length=10_000)


class AnswerOut(BaseModel):
    answered: int
    emails_sent: int


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
    uploaded_at: dt.datetime
    uploaded_by: str
    download_url: str
    text_url: str


def staff_attachment_out(a: ConsultationAttachment) -> StaffAttachmentOut:
    url = f"/consultations/{a.draft_id}/attachments/{a.id}"
    return StaffAttachmentOut(
        id=a.id,
        draft_id=a.draft_id,
        title=a.title,
        filename=a.filename,
        media_type=a.media_type,
        size=a.size,
        sha256=a.sha256,
        text_chars=len(a.text),
        uploaded_at=a.uploaded_at,
        uploaded_by=a.uploaded_by,
        download_url=url,
        text_url=f"{url}/text",
    )


def upload_attachment(
    db: Session,
    settings: Any,
    principal: StaffPrincipal,
    draft_id: int,
    title: str,
    file: UploadFile | None,
    now: dt.datetime,
) -> ConsultationAttachment:
    """Shared by the API and the page; the caller commits. Reads at most one byte over the
    limit, so an oversized part is refused without holding it all in memory."""
    limit = settings.max_upload_bytes
    data = file.file.read(limit + 1) if file is not None else b""
    filename = (file.filename or "") if file is not None else ""
    return attachments.add_attachment(
        db,
        principal,
        draft_id,
        title,
        filename,
        data,
        data_dir=settings.data_dir,
        max_bytes=limit,
        now=now,
    )


def staff_draft_out(
    draft: ConsultationDraft, now: dt.datetime, calendar: Any | None = None
) -> StaffDraftOut:
    earliest = None
    if calendar is not None:
        earliest = service.earliest_close(
            draft.opens_at, ConsultationProfile(draft.profile), calendar
        ).instant
    return StaffDraftOut(
        id=draft.id,
        title=draft.title,
        state=service.window_state(draft, now).value,
        profile=draft.profile,
        opens_at=draft.opens_at,
        closes_at=draft.closes_at,
        earliest_close=earliest,
        shorter_reason=draft.shorter_reason,
        published_at=draft.published_at,
        secret_by_law=draft.secret_by_law,
        summary_published_at=draft.summary_published_at,
        sequence=draft.sequence,
        updated_at=draft.updated_at,
    )


def staff_comment_out(c: Comment) -> StaffCommentOut:
    return StaffCommentOut(
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
    )


def draft_input(body: DraftIn) -> service.DraftInput:
    return service.DraftInput(
        title=body.title,
        department=body.department,
        draft_text=body.draft_text,
        basis_text=body.basis_text,
        explanation_text=body.explanation_text,
        profile=body.profile,
        opens_at=body.opens_at,
        closes_at=body.closes_at,
        shorter_reason=body.shorter_reason,
        publish_at=body.publish_at,
        secret_by_law=body.secret_by_law,
    )


@router.get("", response_model=list[StaffDraftOut])
def list_drafts(_: Editor, db: DbSession, now: Now) -> list[StaffDraftOut]:
    return [staff_draft_out(d, now) for d in service.list_drafts(db)]


@router.post("", response_model=StaffDraftOut, status_code=201)
def create_draft(
    body: DraftIn, principal: Editor, db: DbSession, now: Now, calendar: Calendar
) -> StaffDraftOut:
    draft = service.create_draft(db, principal, draft_input(body), calendar, now)
    db.commit()
    return staff_draft_out(draft, now, calendar)


@router.get("/{draft_id}", response_model=StaffDraftOut)
def get_draft(
    draft_id: IdPath, _: Editor, db: DbSession, now: Now, calendar: Calendar
) -> StaffDraftOut:
    return staff_draft_out(service.get_draft(db, draft_id), now, calendar)


@router.post("/{draft_id}/publish", response_model=StaffDraftOut)
def publish(
    draft_id: IdPath, body: PublishIn, principal: Editor, db: DbSession, now: Now
) -> StaffDraftOut:
    draft = service.publish_draft(db, principal, draft_id, now, body.publish_at)
    db.commit()
    return staff_draft_out(draft, now)


@router.post("/{draft_id}/extend", response_model=StaffDraftOut)
def extend(
    draft_id: IdPath, body: ExtendIn, principal: Editor, db: DbSession, now: Now
) -> StaffDraftOut:
    draft = service.extend_window(db, principal, draft_id, body.closes_at, body.reason, now)
    db.commit()
    return staff_draft_out(draft, now)


@router.post("/{draft_id}/attachments", response_model=StaffAttachmentOut, status_code=201)
def add_attachment(
    draft_id: IdPath,
    principal: Editor,
    db: DbSession,
    settings: SettingsDep,
    now: Now,
    title: Annotated[str, Form(max_length=attachments.MAX_TITLE_CHARS * 2)],
    file: Annotated[UploadFile, File()],
) -> StaffAttachmentOut:
    """Multipart: `title` and `file` (PDF or DOCX, recognised by content)."""
    attachment = upload_attachment(db, settings, principal, draft_id, title, file, now)
    db.commit()
    return staff_attachment_out(attachment)


@router.get("/{draft_id}/comments", response_model=list[StaffCommentOut])
def queue(
    draft_id: IdPath,
    _: Editor,
    db: DbSession,
    status: service.QueueFilter = service.QueueFilter.ALL,
) -> list[StaffCommentOut]:
    return [staff_comment_out(c) for c in service.comment_queue(db, draft_id, status)]


@router.post("/{draft_id}/comments", response_model=StaffCommentOut, status_code=201)
def record_offline(
    draft_id: IdPath, body: OfflineCommentIn, principal: Editor, db: DbSession, now: Now
) -> StaffCommentOut:
    data = service.CommentInput(
        text=body.text,
        section=body.section,
        name=body.name,
        phone=body.phone,
        email=body.email,
        consent_publish=body.consent_publish,
    )
    comment = service.record_offline_comment(
        db, principal, draft_id, data, body.channel, now, body.received_at
    )
    db.commit()
    return staff_comment_out(comment)


def do_answer(
    db: Session,
    settings: Any,
    principal: StaffPrincipal,
    draft_id: IdPath,
    ids: list[int],
    disposition: service.Disposition,
    reason: str,
    now: dt.datetime,
) -> AnswerOut:
    comments = service.answer_comments(db, principal, draft_id, ids, disposition, reason, now)
    db.commit()
    sent = send_answer_mail(db, settings, comments, now)
    return AnswerOut(answered=len(comments), emails_sent=sent)


@router.post("/{draft_id}/answers", response_model=AnswerOut)
def answer(
    draft_id: IdPath,
    body: AnswerIn,
    principal: Editor,
    db: DbSession,
    settings: SettingsDep,
    now: Now,
) -> AnswerOut:
    return do_answer(
        db, settings, principal, draft_id, body.comment_ids, body.disposition, body.reason, now
    )


@router.post("/{draft_id}/comments/{comment_id}/hide", response_model=StaffCommentOut)
def hide(
    draft_id: IdPath, comment_id: IdPath, body: HideIn, principal: Reviewer, db: DbSession, now: Now
) -> StaffCommentOut:
    comment = service.set_hidden(db, principal, draft_id, comment_id, body.hidden, body.reason, now)
    db.commit()
    return staff_comment_out(comment)


@router.post("/{draft_id}/summary", response_model=StaffDraftOut)
def publish_summary(
    draft_id: IdPath, body: SummaryIn, principal: Reviewer, db: DbSession, now: Now
) -> StaffDraftOut:
    draft = service.publish_summary(db, principal, draft_id, body.outcome_text, now)
    db.commit()
    return staff_draft_out(draft, now)


CSV_COLUMNS = [
    "id",
    "receipt_code",
    "channel",
    "submitted_at_local",
    "section",
    "text",
    "name",
    "phone",
    "email",
    "anonymous",
    "consent_publish",
    "flagged_spam",
    "duplicate_of_id",
    "hidden_reason",
    "disposition",
    "answer",
    "answered_at_local",
]


def comments_csv(db: Session, principal: StaffPrincipal, draft_id: IdPath) -> PlainTextResponse:
    """Staff only, with personal data; the export itself is audited. BOM for Excel."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for c in service.comment_queue(db, draft_id):
        writer.writerow(
            [
                c.id,
                c.receipt_code,
                c.channel,
                to_local(c.submitted_at).isoformat(),
                c.section,
                c.body,
                c.commenter_name or "",
                c.phone or "",
                c.email or "",
                int(c.anonymous),
                int(c.consent_publish),
                int(c.flagged_spam),
                c.duplicate_of_id or "",
                c.hidden_reason or "",
                c.disposition or "",
                c.answer_text or "",
                to_local(c.answered_at).isoformat() if c.answered_at else "",
            ]
        )
    audit.record(db, principal, "consultation.comments.export", "consultation", draft_id)
    db.commit()
    return PlainTextResponse(
        buffer.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="consultation-{draft_id}-comments.csv"',
            "Cache-Control": "no-store",
        },
    )


@router.get("/{draft_id}/comments.csv")
def export_csv(draft_id: IdPath, principal: Reviewer, db: DbSession) -> PlainTextResponse:
    return comments_csv(db, principal, draft_id)
