"""The pages where the public follows a topic (关注) and its confirmation and one-click
unsubscribe links (RFC 8058), for every feature: a feature's own route names the topic and
calls `topic_page`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from publisher.documents.following import GAZETTE
from publisher.errors import NotFound, PublisherError
from publisher.notifications import following
from publisher.notifications.following import Topic
from publisher.notifications.models import Subscription
from publisher.web.caching import personal
from publisher.web.deps import ClientKey, DbSession, Now
from publisher.web.errors import status_for, with_retry_after
from publisher.web.render import page

router = APIRouter(tags=["follow pages"], include_in_schema=False)

TEMPLATE = "follow/follow.html"
GAZETTE_WHAT = "政府公报刊登新文件"


def topic_page(
    request: Request,
    db: Session,
    now: dt.datetime,
    topic_of: Callable[[Session], Topic],
    *,
    what: str,
    email: str | None = None,
    requester: str = "",
) -> HTMLResponse:
    """The form (email None) or the answer to it: the same whether or not the address already
    follows. `what` says when alerts come ("有新的会议预告")."""
    action = str(request.url.path) + (f"?{request.url.query}" if request.url.query else "")
    if email is None:
        topic = topic_of(db)
        db.rollback()  # a read: end it
        return page(request, TEMPLATE, step="form", topic=topic, what=what, action=action)
    try:
        topic = following.follow(db, topic_of, email, now, requester=requester)
    except NotFound:
        raise
    except PublisherError as exc:
        topic = topic_of(db)
        db.rollback()
        refused = page(
            request,
            TEMPLATE,
            status=status_for(exc),
            step="form",
            topic=topic,
            what=what,
            action=action,
            error=exc.message_zh,
        )
        return with_retry_after(refused, exc)
    return page(request, TEMPLATE, step="asked", topic=topic)


def _token_page(request: Request, step: str, act: Callable[[], Subscription]) -> HTMLResponse:
    try:
        subscription = act()
    except PublisherError as exc:
        return page(request, TEMPLATE, status=status_for(exc), step="refused", error=exc.message_zh)
    return page(request, TEMPLATE, step=step, subscription=subscription)


@router.get("/follow/confirm", response_class=HTMLResponse)
@personal  # the link carries a follower's token
def confirm_follow(
    request: Request, db: DbSession, now: Now, token: Annotated[str, Query(max_length=100)] = ""
) -> HTMLResponse:
    return _token_page(request, "confirmed", lambda: following.confirm(db, token, now))


@router.get("/follow/unsubscribe", response_class=HTMLResponse)
@personal  # the link carries a follower's token
def unsubscribe_form(
    request: Request, token: Annotated[str, Query(max_length=100)] = ""
) -> HTMLResponse:
    """A page with one button: a GET changes nothing (link scanners open links)."""
    return page(request, TEMPLATE, step="unsubscribe", token=token)


@router.post("/follow/unsubscribe", response_class=HTMLResponse)
def unsubscribe(
    request: Request, db: DbSession, now: Now, token: Annotated[str, Query(max_length=100)] = ""
) -> HTMLResponse:
    """One click: the button above, or a mail client's RFC 8058 POST
    (`List-Unsubscribe=One-Click`)."""
    return _token_page(request, "unsubscribed", lambda: following.unsubscribe(db, token, now))


@router.get("/follow/gazette", response_class=HTMLResponse)
def follow_gazette_form(request: Request, db: DbSession, now: Now) -> HTMLResponse:
    return topic_page(request, db, now, lambda s: GAZETTE, what=GAZETTE_WHAT)


@router.post("/follow/gazette", response_class=HTMLResponse)
def follow_gazette(
    request: Request,
    db: DbSession,
    now: Now,
    requester: ClientKey,
    email: Annotated[str, Form(max_length=1000)] = "",
) -> HTMLResponse:
    return topic_page(
        request, db, now, lambda s: GAZETTE, what=GAZETTE_WHAT, email=email, requester=requester
    )
