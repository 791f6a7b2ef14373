"""The page that explains the feeds and calendar subscriptions (the feeds themselves are
served by `publisher.web.feeds` from each feature's `FeedSource`)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from publisher.rules.predisclosure import MeetingKind
from publisher.web.deps import SettingsDep
from publisher.web.render import templates

router = APIRouter(tags=["pages"], include_in_schema=False)


@router.get("/subscribe", response_class=HTMLResponse)
def subscribe_page(request: Request, settings: SettingsDep) -> HTMLResponse:
    base = settings.base_url.rstrip("/")
    scheme, _, host = base.partition("://")
    # webcals:// makes the calendar app fetch over HTTPS; webcal:// would try plain HTTP first
    webcal = ("webcals://" if scheme == "https" else "webcal://") + host
    return templates.TemplateResponse(
        request, "subscribe.html", {"base": base, "webcal": webcal, "kinds": list(MeetingKind)}
    )
