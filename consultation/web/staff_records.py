"""Staff pages for what only the API did before (issue #16 item 7): record an opinion received
offline (第五条: letters, forums, hearings, expert reviews…) with its channel and the date it
was received, through the API's use case (`comments.record_offline_comment`); and the review
that publishes a comment in full with removals (item 3, `consultation.publication`). 303 on
success; on a refusal (which wrote nothing) the form again with the Chinese reason and what was
typed; the use cases audit."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from consultation import comment_attachments, comments, drafts, publication
from consultation.comments import CommentInput
from consultation.models import Comment
from consultation.vocabulary import ONLINE_CHANNELS, Channel, Disposition
from publisher.errors import ValidationFailed
from publisher.staff.principal import StaffPrincipal
from publisher.timeutil import to_local
from publisher.web.actions import run_staff_action
from publisher.web.auth import Editor, Reviewer
from publisher.web.deps import DbSession, IdPath, Now
from publisher.web.forms import checked, parse_local_datetime, require_confirmation
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


#: removals a review form offers at once (publish again is refused, so they go in one review)
REDACTION_ROWS = 3


def _review_page(
    request: Request,
    principal: StaffPrincipal,
    db: DbSession,
    draft_id: int,
    comment_id: int,
    form: dict[str, str],
    status: int = 200,
    error: str | None = None,
) -> HTMLResponse:
    comment = publication.get_for_review(db, draft_id, comment_id)
    published = publication.publication_of(db, comment.id)
    return render(
        request,
        "staff/consultations/publication.html",
        principal,
        status=status,
        draft=comment.draft,
        comment=comment,
        published=published,
        redactions=publication.redactions_of(db, comment.id),
        file_count=len(comment_attachments.attachments_of(db, comment.id)),
        preview=publication.public_text(comment.body, []),
        rows=range(1, REDACTION_ROWS + 1),
        channels=Channel.labels_zh(),
        dispositions=Disposition.labels_zh(),
        form=form,
        error=error,
    )


@router.get("/{draft_id}/comments/{comment_id}/publication", response_class=HTMLResponse)
def comment_publication_page(
    request: Request, draft_id: IdPath, comment_id: IdPath, principal: Reviewer, db: DbSession
) -> HTMLResponse:
    """Review a comment for publication in full: the original, the masked preview, removals."""
    return _review_page(request, principal, db, draft_id, comment_id, {})


@router.post("/{draft_id}/comments/{comment_id}/publication", response_class=HTMLResponse)
def publish_comment_form(
    request: Request,
    draft_id: IdPath,
    comment_id: IdPath,
    principal: Reviewer,
    db: DbSession,
    now: Now,
    passage_1: Annotated[str, Form(max_length=5000)] = "",
    reason_1: Annotated[str, Form(max_length=400)] = "",
    passage_2: Annotated[str, Form(max_length=5000)] = "",
    reason_2: Annotated[str, Form(max_length=400)] = "",
    passage_3: Annotated[str, Form(max_length=5000)] = "",
    reason_3: Annotated[str, Form(max_length=400)] = "",
) -> Response:
    pairs = [(passage_1, reason_1), (passage_2, reason_2), (passage_3, reason_3)]
    form = {
        f"{k}_{n}": v
        for n, pair in enumerate(pairs, 1)
        for k, v in zip(("passage", "reason"), pair, strict=True)
    }

    def action() -> object:
        removals = [publication.Redaction(p, r) for p, r in pairs]
        return publication.publish_comment(db, principal, draft_id, comment_id, removals, now)

    def refused(status: int, message_zh: str) -> Response:
        return _review_page(request, principal, db, draft_id, comment_id, form, status, message_zh)

    return run_staff_action(
        action,
        f"/staff/consultations/{draft_id}/comments/{comment_id}/publication?done=1",
        refused,
    )


@router.post("/{draft_id}/comments/{comment_id}/unpublish", response_class=HTMLResponse)
def unpublish_comment_form(
    request: Request,
    draft_id: IdPath,
    comment_id: IdPath,
    principal: Reviewer,
    db: DbSession,
    now: Now,
    reason: Annotated[str, Form(max_length=400)] = "",
    confirm: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    """Withdraw a publication in full, with a stated reason, after ticking the confirmation."""

    def action() -> object:
        require_confirmation(confirm, "withdrawing the publication", "撤回公开", irreversible=False)
        return publication.unpublish_comment(db, principal, draft_id, comment_id, reason, now)

    def refused(status: int, message_zh: str) -> Response:
        form = {"unpublish_reason": reason}
        return _review_page(request, principal, db, draft_id, comment_id, form, status, message_zh)

    return run_staff_action(
        action,
        f"/staff/consultations/{draft_id}/comments/{comment_id}/publication?withdrawn=1",
        refused,
    )
