"""The page where the public follows a meeting kind (关注): a new notice, a change or a
cancellation of that kind is e-mailed (docs/notifications.md). Its router goes before the
notice pages, whose /meetings/{meeting_id} would take "follow" for a number."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse

from publisher.meetings.following import kind_topic
from publisher.notifications.web.follow_pages import topic_page
from publisher.web.deps import ClientKey, DbSession, Now

router = APIRouter(tags=["meeting pages"], include_in_schema=False)

KindQuery = Annotated[str, Query(max_length=32)]
WHAT = "这类会议有新的预告发布、预告变更或会议取消"


@router.get("/meetings/follow", response_class=HTMLResponse)
def follow_kind_form(
    request: Request, db: DbSession, now: Now, kind: KindQuery = "plenary"
) -> HTMLResponse:
    return topic_page(request, db, now, lambda s: kind_topic(kind), what=WHAT)


@router.post("/meetings/follow", response_class=HTMLResponse)
def follow_kind(
    request: Request,
    db: DbSession,
    now: Now,
    requester: ClientKey,
    kind: KindQuery = "plenary",
    email: Annotated[str, Form(max_length=1000)] = "",
) -> HTMLResponse:
    return topic_page(
        request, db, now, lambda s: kind_topic(kind), what=WHAT, email=email, requester=requester
    )
