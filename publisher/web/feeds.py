"""One route factory for every feed a feature declares (`feeds.source.FeedSource`).

Each source gets `/feeds/{name}.rss`, `.atom` and, with events, `.ics`, for GET and HEAD, with
its filters as documented query parameters. Bodies are built once per change (the app's
`FeedCache`, keyed by feed and filters, versioned by the source's cheap token) and served with
ETag/Last-Modified/304 by `publisher.web.conditional.cached_feed_response`.
"""

from __future__ import annotations

import datetime as dt
import inspect
from collections.abc import Callable
from enum import StrEnum
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from feeds.cache import BuiltFeed
from feeds.calendar import ICS_MEDIA_TYPE, build_calendar
from feeds.model import FeedInfo
from feeds.source import FeedContext, FeedFilter, FeedSource
from feeds.syndication import ATOM_MEDIA_TYPE, RSS_MEDIA_TYPE, build_feed
from publisher.settings import Settings
from publisher.web.conditional import cached_feed_response
from publisher.web.deps import DbSession, Now, SettingsDep
from publisher.web.openapi import media_responses

#: what the feed routes serve (each with its own precompressed gzip body)
FEED_MEDIA_TYPES = (RSS_MEDIA_TYPE, ATOM_MEDIA_TYPE, ICS_MEDIA_TYPE)


def self_url(base_url: str, path: str, params: dict[str, str]) -> str:
    query = urlencode(sorted(params.items()))
    return f"{base_url}{path}" + (f"?{query}" if query else "")


def _filter_parameter(feed_filter: FeedFilter) -> inspect.Parameter:
    if feed_filter.choices is not None:
        choices = StrEnum(  # type: ignore[misc]
            f"{feed_filter.name.title()}Choice", {c: c for c in feed_filter.choices}
        )
        annotation: Any = Annotated[choices | None, Query(description=feed_filter.description)]
    else:
        annotation = Annotated[
            str | None,
            # one line: a line break would end up in the feed's title (an iCalendar property)
            Query(
                max_length=feed_filter.max_length,
                pattern=r"^[^\r\n]*$",
                description=feed_filter.description,
            ),
        ]
    return inspect.Parameter(
        feed_filter.name, inspect.Parameter.KEYWORD_ONLY, default=None, annotation=annotation
    )


def build_source_feed(source: FeedSource, fmt: str, ctx: FeedContext) -> BuiltFeed:
    """The body of one format of a source's feed, for the context's filters."""
    rows = source.rows(ctx)
    updated = source.last_modified(rows, ctx)
    title = source.channel_title(ctx.filters)
    if fmt == "ics":
        assert source.events is not None
        return BuiltFeed.from_body(
            build_calendar(title, source.events(rows, ctx)), ICS_MEDIA_TYPE, updated
        )
    url = self_url(ctx.base_url, f"/feeds/{source.name}.{fmt}", dict(ctx.filters))
    info = FeedInfo(
        id=url,
        self_url=url,
        title=title,
        link=f"{ctx.base_url}{source.page_path}",
        updated=updated,
        subtitle=source.subtitle,
    )
    return build_feed(fmt, info, source.entries(rows, ctx))


def _endpoint(source: FeedSource, fmt: str) -> Callable[..., Response]:
    def endpoint(
        request: Request, db: Session, settings: Settings, now: dt.datetime, **filters: Any
    ) -> Response:
        values = {
            name: (value.value if isinstance(value, StrEnum) else str(value))
            for name, value in filters.items()
            if value is not None and str(value) != ""
        }
        ctx = FeedContext(
            session=db,
            now=now,
            settings=settings,
            base_url=settings.base_url.rstrip("/"),
            filters=values,
            live_tables=getattr(request.app.state, "open_data_tables", ()),
        )
        return cached_feed_response(
            request,
            f"{source.name}.{fmt}",
            values,
            source.version(ctx),
            lambda: build_source_feed(source, fmt, ctx),
            source.max_age,
        )

    keyword = inspect.Parameter.POSITIONAL_OR_KEYWORD
    parameters = [
        inspect.Parameter("request", keyword, annotation=Request),
        inspect.Parameter("db", keyword, annotation=DbSession),
        inspect.Parameter("settings", keyword, annotation=SettingsDep),
        inspect.Parameter("now", keyword, annotation=Now),
        *(_filter_parameter(f) for f in source.filters),
    ]
    endpoint.__signature__ = inspect.Signature(parameters, return_annotation=Response)  # type: ignore[attr-defined]
    endpoint.__name__ = f"{source.name}_feed_{fmt}"
    return endpoint


FORMAT_NAMES = {"rss": "RSS 2.0", "atom": "Atom 1.0", "ics": "iCalendar"}
FORMAT_MEDIA_TYPES = {"rss": RSS_MEDIA_TYPE, "atom": ATOM_MEDIA_TYPE, "ics": ICS_MEDIA_TYPE}


def _description(source: FeedSource, fmt: str) -> str:
    filters = "".join(f"\n- `{f.name}`: {f.description}" for f in source.filters)
    return (
        f"{source.subtitle or source.title}\n\n{FORMAT_NAMES[fmt]}, rebuilt only when the "
        "content changes, with `ETag`/`Last-Modified` (304 to a current client) and a "
        "precompressed gzip body." + (f"\n\nFilters:{filters}" if filters else "")
    )


def feed_router(sources: list[FeedSource]) -> APIRouter:
    """The routes of every source: GET and HEAD per format, each with its own operation id."""
    router = APIRouter(tags=["feeds"])
    for source in sources:
        for fmt in source.formats:
            endpoint = _endpoint(source, fmt)
            for method in ("GET", "HEAD"):
                router.add_api_route(
                    f"/feeds/{source.name}.{fmt}",
                    endpoint,
                    methods=[method],
                    response_class=Response,
                    name=f"{source.name}_feed_{fmt}_{method.lower()}",
                    summary=f"{source.title} ({FORMAT_NAMES[fmt]})",
                    description=_description(source, fmt),
                    responses=media_responses(
                        FORMAT_MEDIA_TYPES[fmt], f"The {FORMAT_NAMES[fmt]} feed.", conditional=True
                    ),
                )
    return router
