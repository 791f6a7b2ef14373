"""Public pages in Simplified Chinese: the list, a draft with its comment form, receipts."""

from __future__ import annotations

import secrets
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import FileResponse, HTMLResponse

from consultation import attachments, service
from consultation.web.common import (
    attachment_out,
    comment_status,
    rule_zh,
)
from publisher.errors import PublisherError
from publisher.privacy import mask_personal_text
from publisher.web.deps import DbSession, IdPath, Now, SettingsDep, client_ip
from publisher.web.errors import status_for
from publisher.web.templating import templates

router = APIRouter(tags=["consultation pages"], include_in_schema=False)


def _page(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    return templates.TemplateResponse(request, name, context, status_code=status)


@router.get("/consultations", response_class=HTMLResponse)
def consultations_page(request: Request, db: DbSession, now: Now) -> HTMLResponse:
    drafts = service.list_public_drafts(db, now)
    groups: dict[str, list[Any]] = {s.value: [] for s in service.WindowState}
    for draft in drafts:
        groups[service.window_state(draft, now).value].append(draft)
    return _page(request, "consultations/list.html", groups=groups, states=service.WindowState)


def _detail(
    request: Request,
    db: DbSession,
    draft_id: IdPath,
    now: Any,
    status: int = 200,
    error: str | None = None,
    form: dict[str, Any] | None = None,
) -> HTMLResponse:
    draft = service.get_public_draft(db, draft_id, now)
    return _page(
        request,
        "consultations/detail.html",
        status=status,
        draft=draft,
        state=service.window_state(draft, now),
        rule_zh=rule_zh(draft.profile),
        summary=service.adoption_summary(db, draft),
        attachments=[
            attachment_out(a, has_text)
            for a, has_text in attachments.list_with_text_flag(db, draft.id)
        ],
        form_token=secrets.token_urlsafe(16),
        error=error,
        form=form or {},
        max_chars=service.MAX_COMMENT_CHARS,
    )


@router.get("/consultations/{draft_id}", response_class=HTMLResponse)
def consultation_page(request: Request, draft_id: IdPath, db: DbSession, now: Now) -> HTMLResponse:
    return _detail(request, db, draft_id, now)


@router.get("/consultations/{draft_id}/attachments/{attachment_id}")
def download_attachment(
    draft_id: IdPath, attachment_id: IdPath, db: DbSession, now: Now, settings: SettingsDep
) -> FileResponse:
    """The original bytes, as uploaded; always a download, never rendered inline."""
    attachment = attachments.get_public_attachment(db, draft_id, attachment_id, now)
    path = attachments.open_blob(settings.data_dir, attachment)
    return FileResponse(
        path,
        media_type=attachment.media_type,
        headers={
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(attachment.filename)}",
            "X-Content-Type-Options": "nosniff",
            "ETag": f'"{attachment.sha256}"',
        },
    )


@router.get(
    "/consultations/{draft_id}/attachments/{attachment_id}/text", response_class=HTMLResponse
)
def attachment_text_page(
    request: Request, draft_id: IdPath, attachment_id: IdPath, db: DbSession, now: Now
) -> HTMLResponse:
    """The extracted text for reading on a phone; says so when there is none (a scan)."""
    attachment = attachments.get_public_attachment(db, draft_id, attachment_id, now)
    draft = service.get_public_draft(db, draft_id, now)
    paragraphs = attachments.paragraphs(attachment.text)
    return _page(
        request,
        "consultations/attachment_text.html",
        draft=draft,
        attachment=attachment_out(attachment, bool(paragraphs)),
        paragraphs=paragraphs,
        no_text=attachments.NO_TEXT_ZH,
    )


@router.post("/consultations/{draft_id}/comments", response_class=HTMLResponse)
def comment_form(
    request: Request,
    draft_id: IdPath,
    db: DbSession,
    now: Now,
    text: Annotated[str, Form(max_length=20000)] = "",
    section: Annotated[str, Form(max_length=1000)] = "",
    name: Annotated[str, Form(max_length=1000)] = "",
    phone: Annotated[str, Form(max_length=1000)] = "",
    email: Annotated[str, Form(max_length=1000)] = "",
    anonymous: Annotated[str, Form(max_length=10)] = "",
    consent_publish: Annotated[str, Form(max_length=10)] = "",
    website: Annotated[str, Form(max_length=1000)] = "",
    form_token: Annotated[str, Form(max_length=100)] = "",
) -> HTMLResponse:
    """On refusal the page comes back with everything the person typed, never emptied."""
    data = service.CommentInput(
        text=text,
        section=section,
        name=name,
        phone=phone,
        email=email,
        anonymous=bool(anonymous),
        consent_publish=bool(consent_publish),
        honeypot=website,
    )
    try:
        comment, _ = service.submit_comment(
            db,
            draft_id,
            data,
            now,
            ip=client_ip(request),
            channel=service.Channel.WEB,
            idempotency_key=form_token or None,
        )
    except PublisherError as exc:
        db.rollback()
        if status_for(exc) == 404:
            raise
        form = {
            "text": text,
            "section": section,
            "name": name,
            "phone": phone,
            "email": email,
            "anonymous": bool(anonymous),
            "consent_publish": bool(consent_publish),
        }
        return _detail(
            request, db, draft_id, now, status=status_for(exc), error=exc.message_zh, form=form
        )
    return _page(request, "consultations/receipt.html", comment=comment, draft=comment.draft)


@router.get("/comments/status", response_class=HTMLResponse)
def status_page(request: Request, db: DbSession, code: str = "") -> HTMLResponse:
    if not code.strip():
        return _page(request, "consultations/status.html", comment=None, code="")
    try:
        comment = service.get_comment_by_receipt(db, code[:40])
    except PublisherError as exc:
        return _page(
            request,
            "consultations/status.html",
            status=404,
            comment=None,
            code=code[:40],
            error=exc.message_zh,
        )
    status, status_zh = comment_status(comment)
    return _page(
        request,
        "consultations/status.html",
        comment=comment,
        code=comment.receipt_code,
        comment_state=status,
        status_zh=status_zh,
        text=mask_personal_text(comment.body),
        answer=mask_personal_text(comment.answer_text or ""),
        disposition_zh=(
            service.Disposition(comment.disposition).label_zh if comment.disposition else None
        ),
    )
