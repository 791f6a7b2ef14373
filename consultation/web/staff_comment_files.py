"""Staff pages for the files attached to a comment (issue #16 item 4): see and download them
(every staff role that sees comments), approve one for the public or withdraw the approval
(reviewers; audited). A file is public only when its comment is published in full too."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from consultation import comment_attachments, comment_files, publication
from consultation.attachments import human_size
from publisher.staff.principal import StaffPrincipal
from publisher.web.actions import run_staff_action
from publisher.web.auth import Editor, Reviewer
from publisher.web.deps import DatabaseBlobs, DbSession, IdPath, Now
from publisher.web.render import render
from publisher.web.responses import blob_download

router = APIRouter(prefix="/staff/consultations", include_in_schema=False)

BASE = "/staff/consultations/{draft_id}/comments/{comment_id}/attachments"


def _page(
    request: Request,
    principal: StaffPrincipal,
    db: DbSession,
    draft_id: int,
    comment_id: int,
    status: int = 200,
    error: str | None = None,
) -> HTMLResponse:
    comment = publication.get_for_review(db, draft_id, comment_id)
    return render(
        request,
        "staff/consultations/comment_files.html",
        principal,
        status=status,
        draft=comment.draft,
        comment=comment,
        files=comment_attachments.attachments_of(db, comment.id),
        published=publication.publication_of(db, comment.id) is not None,
        public_name=comment_attachments.public_name,
        public_url=comment_attachments.public_url,
        human_size=human_size,
        type_label=comment_files.type_label,
        can_approve=principal.role.value in ("reviewer", "admin"),
        error=error,
    )


@router.get("/{draft_id}/comments/{comment_id}/attachments", response_class=HTMLResponse)
def comment_files_page(
    request: Request, draft_id: IdPath, comment_id: IdPath, principal: Editor, db: DbSession
) -> HTMLResponse:
    """A comment's files: the commenter's file name, type, size, whether public."""
    return _page(request, principal, db, draft_id, comment_id)


@router.get("/{draft_id}/comments/{comment_id}/attachments/{attachment_id}")
def download_comment_file(
    request: Request,
    draft_id: IdPath,
    comment_id: IdPath,
    attachment_id: IdPath,
    _: Editor,
    db: DbSession,
    blobs: DatabaseBlobs,
) -> Response:
    """The stored (cleaned) copy under the commenter's file name; always a download."""
    attachment = comment_attachments.get_staff_attachment(db, draft_id, comment_id, attachment_id)
    blob = comment_attachments.open_file(blobs, attachment)
    return blob_download(request, blob, attachment.media_type, attachment.filename)


def _set(
    request: Request,
    principal: StaffPrincipal,
    db: DbSession,
    ids: tuple[int, int, int],
    approved: bool,
    now: dt.datetime,
) -> Response:
    draft_id, comment_id, attachment_id = ids

    def action() -> object:
        return comment_attachments.set_approved(
            db, principal, draft_id, comment_id, attachment_id, approved, now
        )

    def refused(status: int, message_zh: str) -> Response:
        return _page(request, principal, db, draft_id, comment_id, status, message_zh)

    done = BASE.format(draft_id=draft_id, comment_id=comment_id)
    return run_staff_action(
        action, f"{done}?done={'approved' if approved else 'withdrawn'}", refused
    )


@router.post(
    "/{draft_id}/comments/{comment_id}/attachments/{attachment_id}/approve",
    response_class=HTMLResponse,
)
def approve_comment_file(
    request: Request,
    draft_id: IdPath,
    comment_id: IdPath,
    attachment_id: IdPath,
    principal: Reviewer,
    db: DbSession,
    now: Now,
) -> Response:
    return _set(request, principal, db, (draft_id, comment_id, attachment_id), True, now)


@router.post(
    "/{draft_id}/comments/{comment_id}/attachments/{attachment_id}/withdraw",
    response_class=HTMLResponse,
)
def withdraw_comment_file(
    request: Request,
    draft_id: IdPath,
    comment_id: IdPath,
    attachment_id: IdPath,
    principal: Reviewer,
    db: DbSession,
    now: Now,
) -> Response:
    return _set(request, principal, db, (draft_id, comment_id, attachment_id), False, now)
