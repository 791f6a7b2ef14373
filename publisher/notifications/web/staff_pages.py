"""Staff page of the outbox (`/staff/outbox`): undelivered messages and a retry button."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from publisher.notifications import outbox
from publisher.notifications.web.schemas import OutboxMessageOut
from publisher.staff.principal import StaffPrincipal
from publisher.web.actions import run_staff_action
from publisher.web.auth import Editor
from publisher.web.deps import DbSession, IdPath, Now
from publisher.web.render import render

router = APIRouter(prefix="/staff/outbox", tags=["staff pages"], include_in_schema=False)


def _page(
    request: Request,
    db: DbSession,
    principal: StaffPrincipal,
    status: int = 200,
    failed_only: bool = False,
    **extra: object,
) -> HTMLResponse:
    found = outbox.undelivered(db, failed_only=failed_only)
    messages = [OutboxMessageOut.of(m) for m in found]
    return render(
        request,
        "notifications/outbox.html",
        principal,
        status=status,
        messages=messages,
        failed_only=failed_only,
        **extra,
    )


@router.get("", response_class=HTMLResponse)
def outbox_page(
    request: Request, principal: Editor, db: DbSession, status: Literal["", "failed"] = ""
) -> HTMLResponse:
    """`?status=failed`: the failures alone (the work queue's link)."""
    return _page(request, db, principal, failed_only=status == "failed")


@router.post("/{message_id}/retry", response_class=HTMLResponse)
def retry_message_form(
    request: Request, message_id: IdPath, principal: Editor, db: DbSession, now: Now
) -> Response:
    return run_staff_action(
        lambda: outbox.retry_message(db, principal, message_id, now),
        "/staff/outbox?retried=1",
        lambda status, message: _page(request, db, principal, status=status, error=message),
    )
