"""Feeds of meetings and consultations (RSS, Atom, iCalendar), and the page that explains them.

Bodies come from the pure builders in `feeds/`, are built once per change (the cache on
`app.state.feed_cache`, keyed by feed and filter, versioned by a cheap aggregate query), and are
served with ETag/Last-Modified/304 by `publisher.web.conditional.cached_feed_response`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from feeds.cache import BuiltFeed
from feeds.calendar import ICS_MEDIA_TYPE, build_calendar
from feeds.model import FeedInfo
from feeds.syndication import build_feed
from publisher import subscriptions as subs
from publisher.rules.predisclosure import MeetingKind
from publisher.web.conditional import cached_feed_response
from publisher.web.deps import DbSession, Now, SettingsDep
from publisher.web.templating import templates

router = APIRouter(tags=["feeds"])

KindFilter = Annotated[MeetingKind | None, Query(description="Only this meeting kind.")]
DepartmentFilter = Annotated[
    str | None, Query(max_length=200, description="Only drafts of this department.")
]


def _self_url(base_url: str, path: str, params: dict[str, str]) -> str:
    query = urlencode(sorted(params.items()))
    return f"{base_url}{path}" + (f"?{query}" if query else "")


def _meeting_feed(fmt: str) -> Callable[..., Response]:
    def endpoint(
        request: Request, db: DbSession, settings: SettingsDep, now: Now, kind: KindFilter = None
    ) -> Response:
        params = {"kind": kind.value} if kind else {}
        version = subs.meetings_version(db, now, kind.value if kind else None)

        def build() -> BuiltFeed:
            notices = subs.public_meetings(db, now, kind.value if kind else None)
            updated = subs.meetings_last_modified(notices)
            base = settings.base_url.rstrip("/")
            title = "三门峡市政府重大会议公开预告" + (f"（{kind.label_zh}）" if kind else "")
            if fmt == "ics":
                body = build_calendar(title, subs.meeting_events(notices, base))
                return BuiltFeed.from_body(body, ICS_MEDIA_TYPE, updated)
            info = FeedInfo(
                id=_self_url(base, f"/feeds/meetings.{fmt}", params),
                self_url=_self_url(base, f"/feeds/meetings.{fmt}", params),
                title=title,
                link=f"{base}/meetings",
                updated=updated,
                subtitle="市政府全体会议、常务会议等重大会议的公开预告、变更和取消",
            )
            return build_feed(fmt, info, subs.meeting_entries(notices, base))

        return cached_feed_response(request, f"meetings.{fmt}", params, version, build)

    return endpoint


def _consultation_feed(fmt: str) -> Callable[..., Response]:
    def endpoint(
        request: Request,
        db: DbSession,
        settings: SettingsDep,
        now: Now,
        department: DepartmentFilter = None,
    ) -> Response:
        params = {"department": department} if department else {}
        version = subs.consultations_version(db, now, department)

        def build() -> BuiltFeed:
            drafts = subs.public_consultations(db, now, department)
            updated = subs.consultations_last_modified(drafts, now)
            base = settings.base_url.rstrip("/")
            title = "三门峡市重大行政决策草案征求意见" + (f"（{department}）" if department else "")
            if fmt == "ics":
                body = build_calendar(title, subs.consultation_events(drafts, base))
                return BuiltFeed.from_body(body, ICS_MEDIA_TYPE, updated)
            info = FeedInfo(
                id=_self_url(base, f"/feeds/consultations.{fmt}", params),
                self_url=_self_url(base, f"/feeds/consultations.{fmt}", params),
                title=title,
                link=f"{base}/consultations",
                updated=updated,
                subtitle="决策草案公开征求意见、延长、截止和意见采纳情况",
            )
            return build_feed(fmt, info, subs.consultation_entries(drafts, base, now))

        return cached_feed_response(request, f"consultations.{fmt}", params, version, build)

    return endpoint


for _fmt in ("rss", "atom", "ics"):
    router.add_api_route(
        f"/feeds/meetings.{_fmt}",
        _meeting_feed(_fmt),
        methods=["GET", "HEAD"],
        response_class=Response,
        summary=f"Meetings feed ({_fmt})",
    )
    router.add_api_route(
        f"/feeds/consultations.{_fmt}",
        _consultation_feed(_fmt),
        methods=["GET", "HEAD"],
        response_class=Response,
        summary=f"Consultations feed ({_fmt})",
    )


@router.get("/subscribe", response_class=HTMLResponse, include_in_schema=False)
def subscribe_page(request: Request, settings: SettingsDep) -> HTMLResponse:
    base = settings.base_url.rstrip("/")
    webcal = "webcal://" + base.split("://", 1)[-1]
    return templates.TemplateResponse(
        request, "subscribe.html", {"base": base, "webcal": webcal, "kinds": list(MeetingKind)}
    )
