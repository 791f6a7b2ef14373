"""CORS: open data may be read by a browser app on any origin; nothing else may.

Public read-only answers (GET and HEAD of the public API, the downloads, the DCAT catalogue,
the feeds, the OpenAPI document) carry `Access-Control-Allow-Origin: *` and expose the paging
and caching headers; a preflight for them is answered (`publisher.web.response_headers`).
Staff routes, pages and every write never carry it, so a browser refuses another origin's
script their answers (and a preflight for them falls through to the app, which does not allow
OPTIONS). No credentials
are ever allowed: `*` sends no cookie, and the staff API needs a Bearer token anyway.
"""

from __future__ import annotations

from starlette.types import Scope

READ_METHODS = frozenset({"GET", "HEAD"})
EXPOSED = "Link, X-Total-Count, ETag, Last-Modified, Retry-After, Content-Disposition"
#: request headers a reading app may send beyond the CORS-safelisted ones
ALLOWED_HEADERS = "If-None-Match, If-Modified-Since, Accept, Accept-Language"
PREFLIGHT_MAX_AGE = 86400


def shared_with_any_origin(path: str) -> bool:
    """Open data and the public API's reads: yes; the staff API and the pages: no."""
    if path == "/api/v1/staff" or path.startswith("/api/v1/staff/"):
        return False
    if path.startswith(("/api/v1/", "/feeds/")) or path in ("/catalog.jsonld", "/api/openapi.json"):
        return True
    return path.startswith("/datasets/") and path.endswith((".csv", ".json"))


def is_read_preflight(scope: Scope) -> bool:
    """A browser's preflight for a read of a shared path (answered with `preflight_answer`);
    a preflight for a write falls through to the app (405)."""
    if scope["method"] != "OPTIONS" or not shared_with_any_origin(scope["path"]):
        return False
    headers = dict(scope.get("headers", []))
    requested = headers.get(b"access-control-request-method", b"").decode("latin-1")
    # a preflight only precedes a request a browser would not send plainly, e.g. one with
    # If-None-Match; a GET with no such header needs none
    return b"origin" in headers and requested.upper() in READ_METHODS


#: 204 granting a read
PREFLIGHT_HEADERS = [
    (b"access-control-allow-origin", b"*"),
    (b"access-control-allow-methods", b"GET, HEAD"),
    (b"access-control-allow-headers", ALLOWED_HEADERS.encode()),
    (b"access-control-max-age", str(PREFLIGHT_MAX_AGE).encode()),
]
_READ_HEADERS = [
    (b"access-control-allow-origin", b"*"),
    (b"access-control-expose-headers", EXPOSED.encode()),
]


def with_cors(scope: Scope, headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    """A response's headers with those letting any origin read it, when it is a read of a
    shared path."""
    if scope["method"] in READ_METHODS and shared_with_any_origin(scope["path"]):
        return [*headers, *_READ_HEADERS]
    return headers
