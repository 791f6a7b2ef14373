"""One route factory for every feed a feature declares (`feeds.source.FeedSource`).

Each source gets `/feeds/{name}.rss`, `.atom` and, with events, `.ics`, for GET and HEAD, with
its filters as documented query parameters. Bodies are built once per change (the app's
`FeedCache`, keyed by feed and filters) and served with ETag/Last-Modified/304 by
`publisher.web.conditional`. A source that names the tables it `watches` is served from memory
(its version is the generations of those tables, `publisher.storage.generations`); the others
ask their cheap version token per request.
"""

from __future__ import annotations

import datetime as dt
import functools
import inspect
from collections.abc import Callable
from dataclasses import replace
from enum import StrEnum
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session, sessionmaker

from feeds.cache import BuiltFeed, FeedCache
from feeds.calendar import ICS_MEDIA_TYPE, build_calendar
from feeds.model import FeedInfo, feed_id
from feeds.source import FeedContext, FeedFilter, FeedSource
from feeds.syndication import ATOM_MEDIA_TYPE, RSS_MEDIA_TYPE, build_feed
from publisher.settings import Settings
from publisher.web.conditional import cached_feed_response, feed_response, kept_answer
from publisher.web.deps import DbSession, Now, SettingsDep, current_time
from publisher.web.memory import answers_from_memory, current_version, from_memory, version_of
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
    if not rows and ctx.filters:
        # nothing selected: the feed is as new as the rows it selects from, not an invented date
        everything = replace(ctx, filters={})
        updated = source.last_modified(source.rows(everything), everything)
    else:
        updated = source.last_modified(rows, ctx)
    title = source.channel_title(ctx.filters)
    if fmt == "ics":
        assert source.events is not None
        return BuiltFeed.from_body(
            build_calendar(title, source.events(rows, ctx), description=source.subtitle),
            ICS_MEDIA_TYPE,
            updated,
        )
    url = self_url(ctx.base_url, f"/feeds/{source.name}.{fmt}", dict(ctx.filters))
    info = FeedInfo(
        id=feed_id(source.name, ctx.filters),
        self_url=url,
        title=title,
        link=f"{ctx.base_url}{source.page_path}",
        updated=updated,
        subtitle=source.subtitle,
    )
    return build_feed(fmt, info, source.entries(rows, ctx))


def _filter_values(filters: dict[str, Any]) -> dict[str, str]:
    return {
        name: (value.value if isinstance(value, StrEnum) else str(value))
        for name, value in filters.items()
        if value is not None and str(value) != ""
    }


def _build_in_memory(
    request: Request, source: FeedSource, fmt: str, values: dict[str, str], now: dt.datetime
) -> BuiltFeed:
    """A fresh body with its own session (the hit path needs none), valid while the clock
    stays between the instants at which time alone changes the feed (not from this request's
    instant: requests that waited for this build began a little earlier)."""
    state = request.app.state
    factory: sessionmaker[Session] = state.session_factory
    settings: Settings = state.settings
    with factory() as session:
        ctx = FeedContext(
            session=session,
            now=now,
            settings=settings,
            base_url=settings.base_url.rstrip("/"),
            filters=values,
            live_tables=getattr(state, "open_data_tables", ()),
        )
        built = build_source_feed(source, fmt, ctx)
        since, until = source.steady(ctx) if source.steady is not None else (None, None)
    return replace(built, valid_from=since, valid_until=until)


def _watched_endpoint(source: FeedSource, fmt: str) -> Callable[..., Any]:
    """A feed kept in memory: a hit reads no database and never leaves the event loop; the
    generations of the watched tables (refreshed after this process's writes and every
    `PUBLISHER_CACHE_CHECK_SECONDS` otherwise) and the span the feed stays steady in time say
    when to rebuild, which runs off the request path (`publisher.web.memory`)."""
    name = f"{source.name}.{fmt}"

    async def endpoint(request: Request, **filters: Any) -> Response:
        values = _filter_values(filters)
        now = current_time(request)
        version = await version_of(request, source.watches)
        built = await from_memory(
            request.app.state.feed_cache,
            name,
            values,
            version,
            now,
            lambda: _build_in_memory(request, source, fmt, values, now),
        )
        return feed_response(request, built, source.max_age)

    def hit(request: Request) -> Response | None:
        """The unfiltered feed from memory, before routing (`MemoryFastPath`)."""
        if request.scope.get("query_string"):
            return None  # filters: the route validates them
        version = current_version(request, source.watches)
        if version is None:
            return None
        cache: FeedCache = request.app.state.feed_cache
        built = cache.peek(name, {}, version, current_time(request))
        return None if built is None else kept_answer(request, built, answer)

    answer = functools.partial(feed_response, max_age=source.max_age)  # one, for `kept_answer`

    keyword = inspect.Parameter.POSITIONAL_OR_KEYWORD
    parameters = [
        inspect.Parameter("request", keyword, annotation=Request),
        *(_filter_parameter(f) for f in source.filters),
    ]
    endpoint.__signature__ = inspect.Signature(parameters, return_annotation=Response)  # type: ignore[attr-defined]
    endpoint.__name__ = f"{source.name}_feed_{fmt}"
    return answers_from_memory(endpoint, hit)


def _endpoint(source: FeedSource, fmt: str) -> Callable[..., Any]:
    if source.watches:
        return _watched_endpoint(source, fmt)

    def endpoint(
        request: Request, db: Session, settings: Settings, now: dt.datetime, **filters: Any
    ) -> Response:
        values = _filter_values(filters)
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
            source.version(ctx) if source.version is not None else None,
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
