"""Serve a built feed with HTTP validators and conditional GET (RFC 9110 section 13).

Feed readers and calendar apps poll every few minutes to hours; with ETag and Last-Modified most
polls end in a bodyless 304, which is what keeps a thousand-item feed cheap to serve.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Hashable, Mapping
from email.utils import format_datetime, parsedate_to_datetime

from starlette.requests import Request
from starlette.responses import Response

from feeds.cache import BuiltFeed, FeedCache

_ENTITY_TAG = re.compile(r'(?:W/)?"[^"]*"')


def http_date(when: dt.datetime) -> str:
    """IMF-fixdate, e.g. ``Fri, 09 Oct 2026 01:30:00 GMT``."""
    return format_datetime(when.astimezone(dt.UTC).replace(microsecond=0), usegmt=True)


def _opaque(tag: str) -> str:
    return tag[2:] if tag.startswith("W/") else tag


def etag_matches(if_none_match: str, etag: str) -> bool:
    """Weak comparison of ``etag`` against an If-None-Match value (a list, or ``*``)."""
    if if_none_match.strip() == "*":
        return True
    ours = _opaque(etag)
    return any(_opaque(tag) == ours for tag in _ENTITY_TAG.findall(if_none_match))


def _not_modified_since(if_modified_since: str, last_modified: dt.datetime) -> bool:
    try:
        since = parsedate_to_datetime(if_modified_since)
    except (TypeError, ValueError, IndexError):
        return False  # an invalid date is ignored (RFC 9110 13.1.3)
    if since.tzinfo is None:
        since = since.replace(tzinfo=dt.UTC)  # HTTP dates are always GMT
    return last_modified.replace(microsecond=0) <= since


def is_not_modified(request: Request, built: BuiltFeed) -> bool:
    """RFC 9110 13.2.2: If-None-Match decides when present; If-Modified-Since only otherwise."""
    if request.method not in ("GET", "HEAD"):
        return False
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None:
        return etag_matches(if_none_match, built.etag)
    if_modified_since = request.headers.get("if-modified-since")
    if if_modified_since is not None:
        return _not_modified_since(if_modified_since, built.last_modified)
    return False


def feed_response(request: Request, built: BuiltFeed, max_age: int = 300) -> Response:
    """200 with the body (GET), 200 with headers only (HEAD), or 304 when the client is current."""
    cache_control = f"public, max-age={max_age}"
    if is_not_modified(request, built):
        # A 304 repeats the validators and caching fields, but no body and no Content-Type.
        return Response(
            status_code=304, headers={"ETag": built.etag, "Cache-Control": cache_control}
        )
    headers = {
        "ETag": built.etag,
        "Last-Modified": http_date(built.last_modified),
        "Cache-Control": cache_control,
        "Content-Type": built.media_type,
        "Content-Length": str(len(built.body)),
    }
    if request.method == "HEAD":
        return Response(content=b"", headers=headers)
    return Response(content=built.body, headers=headers)


def cached_feed_response(
    request: Request,
    name: str,
    params: Mapping[str, str | None],
    version: Hashable,
    build: Callable[[], BuiltFeed],
    max_age: int = 300,
) -> Response:
    """Serve feed `name` from the app's cache (`app.state.feed_cache`), building it only when
    `version` — a cheap summary of what the feed shows — has changed since the last build."""
    cache: FeedCache = request.app.state.feed_cache
    return feed_response(request, cache.get(name, params, version, build), max_age=max_age)
