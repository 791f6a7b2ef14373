"""Staff JSON API for consultations: drafts, windows, attachments, the comment queue, answers,
moderation, the adoption summary. Thin: each route calls one use case."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, UploadFile
from fastapi.responses import Response

from consultation import answers, attachments, comments, drafts, exports, summary
from consultation.vocabulary import QueueFilter
from consultation.web.schemas import (
    AnswerIn,
    AnswerOut,
    DraftIn,
    ExtendIn,
    HideIn,
    OfflineCommentIn,
    PublishIn,
    StaffAttachmentOut,
    StaffCommentOut,
    StaffDraftOut,
    SummaryIn,
)
from publisher.web.auth import Editor, Reviewer
from publisher.web.deps import Blobs, DbSession, IdPath, Now, Rules, SettingsDep
from publisher.web.forms import read_upload
from publisher.web.openapi import error_responses, media_responses
from publisher.web.responses import PagingDep, csv_download

router = APIRouter(prefix="/api/v1/staff/consultations", tags=["staff: consultations"])


@router.get("", response_model=list[StaffDraftOut])
def staff_list_consultations(
    _: Editor, db: DbSession, now: Now, paging: PagingDep
) -> list[StaffDraftOut]:
    """Every draft, unpublished ones included; paged."""
    return [StaffDraftOut.of(d, now) for d in paging.take(drafts.list_drafts(db))]


@router.post("", response_model=StaffDraftOut, status_code=201)
def create_draft(
    body: DraftIn, principal: Editor, db: DbSession, now: Now, rules: Rules
) -> StaffDraftOut:
    """A new draft with its comment window; the window is checked against the
    minimum the rules require (working days by the calendar)."""
    draft = drafts.create_draft(db, principal, body.to_input(), rules, now)
    return StaffDraftOut.of(draft, now, rules)


@router.get("/{draft_id}", response_model=StaffDraftOut)
def staff_get_consultation(
    draft_id: IdPath, _: Editor, db: DbSession, now: Now, rules: Rules
) -> StaffDraftOut:
    """One draft with its window's explanation."""
    return StaffDraftOut.of(drafts.get_draft(db, draft_id), now, rules)


@router.post("/{draft_id}/publish", response_model=StaffDraftOut, responses=error_responses(409))
def publish_draft(
    draft_id: IdPath, body: PublishIn, principal: Editor, db: DbSession, now: Now
) -> StaffDraftOut:
    """Publish a draft now or at `publish_at`; 409 when it is already public."""
    draft = drafts.publish_draft(db, principal, draft_id, now, body.publish_at)
    return StaffDraftOut.of(draft, now)


@router.post("/{draft_id}/extend", response_model=StaffDraftOut, responses=error_responses(409))
def extend_window(
    draft_id: IdPath, body: ExtendIn, principal: Editor, db: DbSession, now: Now
) -> StaffDraftOut:
    """Move the close of the comment window later, with a public reason; 409 once
    the window has closed."""
    draft = drafts.extend_window(db, principal, draft_id, body.closes_at, body.reason, now)
    return StaffDraftOut.of(draft, now)


@router.post("/{draft_id}/attachments", response_model=StaffAttachmentOut, status_code=201)
def add_attachment(
    draft_id: IdPath,
    principal: Editor,
    db: DbSession,
    settings: SettingsDep,
    blobs: Blobs,
    now: Now,
    title: Annotated[str, Form(max_length=attachments.MAX_TITLE_CHARS * 2)],
    file: Annotated[UploadFile, File()],
) -> StaffAttachmentOut:
    """Multipart: `title` and `file` (PDF or DOCX, recognised by content)."""
    filename, data = read_upload(file, settings.max_upload_bytes)
    attachment = attachments.add_attachment(
        db,
        principal,
        draft_id,
        title,
        filename,
        data,
        blobs=blobs,
        max_bytes=settings.max_upload_bytes,
        now=now,
    )
    return StaffAttachmentOut.of(attachment)


@router.get("/{draft_id}/comments", response_model=list[StaffCommentOut])
def comment_queue(
    draft_id: IdPath,
    _: Editor,
    db: DbSession,
    paging: PagingDep,
    status: QueueFilter = QueueFilter.ALL,
) -> list[StaffCommentOut]:
    """The comments on a draft, filtered by handling status; paged."""
    found = comments.comment_queue(db, draft_id, status)
    return [StaffCommentOut.of(c) for c in paging.take(found)]


@router.post(
    "/{draft_id}/comments",
    response_model=StaffCommentOut,
    status_code=201,
    responses=error_responses(409),
)
def record_offline_comment(
    draft_id: IdPath, body: OfflineCommentIn, principal: Editor, db: DbSession, now: Now
) -> StaffCommentOut:
    """Record a comment received by letter, phone or in person."""
    comment = comments.record_offline_comment(
        db, principal, draft_id, body.to_input(), body.channel, now, body.received_at
    )
    return StaffCommentOut.of(comment)


@router.post("/{draft_id}/answers", response_model=AnswerOut, responses=error_responses(409))
def answer_comments(
    draft_id: IdPath,
    body: AnswerIn,
    principal: Editor,
    db: DbSession,
    now: Now,
) -> AnswerOut:
    """Answer several comments at once with one disposition and reason; the
    commenters who left an e-mail address are told. 409 after the summary."""
    answered = answers.answer_comments(
        db,
        principal,
        draft_id,
        body.comment_ids,
        body.disposition,
        body.reason,
        now,
    )
    return AnswerOut(answered=len(answered.comments), messages_queued=answered.messages_queued)


@router.post(
    "/{draft_id}/comments/{comment_id}/hide",
    response_model=StaffCommentOut,
    responses=error_responses(409),
)
def hide_comment(
    draft_id: IdPath, comment_id: IdPath, body: HideIn, principal: Reviewer, db: DbSession, now: Now
) -> StaffCommentOut:
    """Hide a comment from the public page (or show it again), with a reason."""
    comment = comments.set_hidden(
        db, principal, draft_id, comment_id, body.hidden, body.reason, now
    )
    return StaffCommentOut.of(comment)


@router.post("/{draft_id}/summary", response_model=StaffDraftOut, responses=error_responses(409))
def publish_summary(
    draft_id: IdPath, body: SummaryIn, principal: Reviewer, db: DbSession, now: Now
) -> StaffDraftOut:
    """Publish the adoption summary; afterwards the comments are closed (409)."""
    draft = summary.publish_summary(db, principal, draft_id, body.outcome_text, now)
    return StaffDraftOut.of(draft, now)


@router.get(
    "/{draft_id}/comments.csv",
    response_class=Response,
    responses=media_responses("text/csv", "The comments as CSV (UTF-8 with BOM)."),
)
def export_comments(draft_id: IdPath, principal: Reviewer, db: DbSession) -> Response:
    """The comments as a CSV download (audited: it holds personal data)."""
    body = exports.export_comments(db, principal, draft_id)
    return csv_download(body, f"consultation-{draft_id}-comments.csv")
