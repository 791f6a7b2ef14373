"""Staff pages for what only the API did before (issue #16 item 7): record an opinion received
offline (第五条: letters, forums, hearings, expert reviews…) with its channel and the date it
was received. The use case is the API's (`comments.record_offline_comment`): 303 back to the
draft on success, this form again with the Chinese reason and what was typed on a refusal
(which wrote nothing); the use case audits."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from consultation import comments, drafts
from consultation.comments import CommentInput
from consultation.models import Comment
from consultation.vocabulary import ONLINE_CHANNELS, Channel
from publisher.errors import ValidationFailed
from publisher.staff.principal import StaffPrincipal
from publisher.timeutil import to_local
from publisher.web.actions import run_staff_action
from publisher.web.auth import Editor
from publisher.web.deps import DbSession, IdPath, Now
from publisher.web.forms import checked, parse_local_datetime
from publisher.web.render import render

router = APIRouter(prefix="/staff/consultations", include_in_schema=False)

OFFLINE_CHANNELS = [c for c in Channel if c not in ONLINE_CHANNELS]


def _form_page(
    request: Request,
    principal: StaffPrincipal,
    db: DbSession,
    draft_id: int,
    now: dt.datetime,
    form: dict[str, str],
    status: int = 200,
    error: str | None = None,
) -> HTMLResponse:
    return render(
        request,
        "staff/consultations/offline.html",
        principal,
        status=status,
        draft=drafts.get_draft(db, draft_id),
        channels=OFFLINE_CHANNELS,
        form=form,
        error=error,
        today=to_local(now).strftime("%Y-%m-%dT%H:%M"),
    )


@router.get("/{draft_id}/offline-comments", response_class=HTMLResponse)
def offline_comment_page(
    request: Request, draft_id: IdPath, principal: Editor, db: DbSession, now: Now
) -> HTMLResponse:
    return _form_page(request, principal, db, draft_id, now, {})


@router.post("/{draft_id}/offline-comments", response_class=HTMLResponse)
def record_offline_comment_form(
    request: Request,
    draft_id: IdPath,
    principal: Editor,
    db: DbSession,
    now: Now,
    channel: Annotated[str, Form(max_length=20)] = "",
    received_at: Annotated[str, Form(max_length=40)] = "",
    text: Annotated[str, Form(max_length=comments.MAX_COMMENT_CHARS * 2)] = "",
    section: Annotated[str, Form(max_length=400)] = "",
    name: Annotated[str, Form(max_length=200)] = "",
    phone: Annotated[str, Form(max_length=40)] = "",
    email: Annotated[str, Form(max_length=254)] = "",
    consent_publish: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    form = {
        "channel": channel,
        "received_at": received_at,
        "text": text,
        "section": section,
        "name": name,
        "phone": phone,
        "email": email,
        "consent_publish": "1" if checked(consent_publish) else "",
    }

    def action() -> Comment:
        if channel not in {c.value for c in OFFLINE_CHANNELS}:
            raise ValidationFailed(
                "Choose the offline channel.", "请选择线下征求意见渠道。", field="channel"
            )
        received = parse_local_datetime(received_at, "received_at", "收到时间")
        data = CommentInput(
            text=text,
            section=section,
            name=name,
            phone=phone,
            email=email,
            consent_publish=checked(consent_publish),
        )
        return comments.record_offline_comment(
            db, principal, draft_id, data, Channel(channel), now, received
        )

    def refused(status: int, message_zh: str) -> Response:
        return _form_page(request, principal, db, draft_id, now, form, status, message_zh)

    return run_staff_action(
        action,
        lambda comment: f"/staff/consultations/{draft_id}?done=recorded#h-queue",
        refused,
    )
