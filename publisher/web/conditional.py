"""Serve a built feed with HTTP validators and conditional GET (RFC 9110 section 13).

Feed readers and calendar apps poll every few minutes to hours; with ETag and Last-Modified most
polls end in a bodyless 304, which is what keeps a thousand-item feed cheap to serve.
"""

from __future__ import annotations

import datetime as dt
import functools
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
    if if_none_match == etag:  # what a client sends back, most of the time
        return True
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


_CODING = re.compile(r"^\s*([\w*-]+)\s*(?:;\s*q\s*=\s*([0-9.]+))?\s*$")


@functools.lru_cache(maxsize=256)  # clients send a few values over and over
def accepts_gzip(accept_encoding: str | None) -> bool:
    """Whether the client takes gzip (RFC 9110 12.5.3): named or `*`, with a q above 0."""
    if not accept_encoding:
        return False
    weights: dict[str, float] = {}
    for part in accept_encoding.lower().split(","):
        match = _CODING.match(part)
        if match is None:
            continue
        try:
            weights[match[1]] = float(match[2]) if match[2] else 1.0
        except ValueError:
            continue
    return weights.get("gzip", weights.get("*", 0.0)) > 0


def sends_gzip(request: Request, built: BuiltFeed) -> bool:
    """Whether this client gets the body's gzip copy (there is one, and it takes gzip)."""
    return bool(built.gzip_body) and accepts_gzip(request.headers.get("accept-encoding"))


def is_not_modified(request: Request, built: BuiltFeed, etag: str | None = None) -> bool:
    """RFC 9110 13.2.2: If-None-Match decides when present; If-Modified-Since only otherwise.
    ``etag`` is the one of the representation that would be sent (identity or gzip)."""
    if request.method not in ("GET", "HEAD"):
        return False
    headers = request.headers
    return _current(
        built, etag or built.etag, headers.get("if-none-match"), headers.get("if-modified-since")
    )


def _current(
    built: BuiltFeed, etag: str, if_none_match: str | None, if_modified_since: str | None
) -> bool:
    if if_none_match is not None:
        return etag_matches(if_none_match, etag)
    if if_modified_since is not None:
        return _not_modified_since(if_modified_since, built.last_modified)
    return False


def feed_response(request: Request, built: BuiltFeed, max_age: int = 300) -> Response:
    """200 with the body (GET), 200 with headers only (HEAD), or 304 when the client is current."""
    gzipped = sends_gzip(request, built)
    etag = built.gzip_etag if gzipped else built.etag
    not_modified = is_not_modified(request, built, etag)
    return _feed_answer(built, gzipped, not_modified, request.method, max_age)


def kept_answer(
    request: Request, built: BuiltFeed, answer: Callable[[Request, BuiltFeed], Response]
) -> Response:
    """For the fast path (`publisher.web.memory.MemoryFastPath`), which reads an answer and
    never sends it itself: the answer for this kind of request to this body (its encoding,
    whether it is conditional and current, its method) worked out once and reused. A kept
    body answers the same few ways over and over, and building each answer anew was half of
    a hit's cost."""
    accept, if_none_match, if_modified_since = _conditional_fields(request.scope["headers"])
    gzipped = bool(built.gzip_body) and accepts_gzip(accept)
    etag = built.gzip_etag if gzipped else built.etag
    method = request.scope["method"]
    current = method in ("GET", "HEAD") and _current(built, etag, if_none_match, if_modified_since)
    key = (answer, gzipped, current, method)
    kept = built.answers.get(key)
    if kept is None:
        kept = built.answers[key] = answer(request, built)
    assert isinstance(kept, Response)
    return kept


def _conditional_fields(
    headers: list[tuple[bytes, bytes]],
) -> tuple[str | None, str | None, str | None]:
    """Accept-Encoding, If-None-Match, If-Modified-Since, in one pass over the request's
    headers (ASGI gives their names in lower case), for a hit that must be quick."""
    accept = if_none_match = if_modified_since = None
    for name, value in headers:
        if name == b"accept-encoding":
            accept = value.decode("latin-1")
        elif name == b"if-none-match":
            if_none_match = value.decode("latin-1")
        elif name == b"if-modified-since":
            if_modified_since = value.decode("latin-1")
    return accept, if_none_match, if_modified_since


def _feed_answer(
    built: BuiltFeed, gzipped: bool, not_modified: bool, method: str, max_age: int
) -> Response:
    cache_control = f"public, max-age={max_age}"
    etag = built.gzip_etag if gzipped else built.etag
    if not_modified:
        # A 304 repeats the validators and caching fields, but no body and no Content-Type.
        return Response(
            status_code=304,
            headers={"ETag": etag, "Cache-Control": cache_control, "Vary": "Accept-Encoding"},
        )
    body = built.gzip_body if gzipped else built.body
    headers = {
        "ETag": etag,
        "Last-Modified": http_date(built.last_modified),
        "Cache-Control": cache_control,
        "Content-Type": built.media_type,
        "Content-Length": str(len(body)),
        "Vary": "Accept-Encoding",
    }
    if gzipped:  # compressed once when built; the GZip middleware leaves it alone
        headers["Content-Encoding"] = "gzip"
    if method == "HEAD":
        return Response(content=b"", headers=headers)
    return Response(content=body, headers=headers)


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
