"""Cache-Control for a reverse proxy or CDN in front of several processes (#21).

Every response gets a caching class, so a shared cache takes the public read load and never
keeps anything personal:

* public GET/HEAD answers (pages, API reads, feeds, open data, attachments):
  `public, max-age=0, s-maxage=N, stale-while-revalidate=N` (N = PUBLISHER_SHARED_CACHE_SECONDS):
  a proxy serves a copy for N seconds and refreshes it in the background for N more, while
  browsers revalidate (cheap where the answer has an ETag: feeds, attachments, static files).
  A scheduled publication or a closing window therefore shows through a proxy up to 2N late.
* staff paths, answers that set a cookie, and endpoints marked `@personal` (a receipt's status,
  a page whose form carries its own idempotency token): `private, no-store`.
* errors, redirects and answers to other methods: `no-store` (a transient 503 must not stick).

A handler that sets Cache-Control itself keeps it, except on staff paths and cookies.

Pages vary by one cookie, care mode (关怀版, `publisher.web.routes.care_mode`): the same URL is
rendered with `<html class="care">` and larger text for a reader who turned it on. Every HTML
answer a shared cache may keep therefore says `Vary: Cookie`, so no cache hands one reader's
version to another. The deployment's nginx honours it (it keeps one copy per value of the
request's Cookie header: tests/identity/test_care_mode_proxy.py). Readers carry no other
cookie on public pages (only a signed-in staff member does, whose copies stay apart), so the
variation costs one copy more per page, not one per reader.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from starlette.types import Scope

PRIVATE = "private, no-store"
NO_STORE = "no-store"
STAFF_PREFIXES = ("/staff", "/api/v1/staff")

F = TypeVar("F", bound=Callable[..., Any])


def personal(endpoint: F) -> F:
    """Mark an endpoint whose answer is for its requester only: never in a shared cache."""
    endpoint.__dict__["_personal_response"] = True
    return endpoint


def shared_policy(seconds: int) -> str:
    return f"public, max-age=0, s-maxage={seconds}, stale-while-revalidate={seconds}"


def is_staff_path(path: str) -> bool:
    return path == "/staff" or path.startswith(tuple(p + "/" for p in STAFF_PREFIXES))


def cache_control_for(
    scope: Scope, status: int, current: str | None, sets_cookie: bool, shared: str
) -> str:
    """The Cache-Control a response leaves with (see the module docstring)."""
    endpoint = scope.get("endpoint")
    if is_staff_path(scope.get("path", "")) or sets_cookie:
        return PRIVATE
    if getattr(endpoint, "_personal_response", False):
        return PRIVATE
    if current:
        return current
    if scope.get("method") not in ("GET", "HEAD") or not (200 <= status < 300 or status == 304):
        return NO_STORE
    return shared


def _is_html(headers: list[tuple[bytes, bytes]]) -> bool:
    return any(k.lower() == b"content-type" and v.startswith(b"text/html") for k, v in headers)


def vary_once(headers: list[tuple[bytes, bytes]], *more: str) -> list[tuple[bytes, bytes]]:
    """The headers with `more` names added to their `Vary` and each name said once (the
    compression middleware adds `Accept-Encoding` to a Vary that already names it; a cache
    need not be told twice). Unchanged when there is nothing to add or merge."""
    varies = [v.decode("latin-1") for k, v in headers if k.lower() == b"vary"]
    names = [n.strip() for v in varies for n in v.split(",") if n.strip()] + list(more)
    once: dict[str, str] = {}  # in order, each as first said (names are case-insensitive)
    for name in names:
        once.setdefault(name.lower(), name)
    if len(varies) <= 1 and len(once) == len(names) and not more:
        return headers
    rest = [(k, v) for k, v in headers if k.lower() != b"vary"]
    return [*rest, (b"vary", ", ".join(once.values()).encode("latin-1"))]


def with_cache_control(
    scope: Scope, status: int, headers: list[tuple[bytes, bytes]], shared: str
) -> list[tuple[bytes, bytes]]:
    """A response's headers with its Cache-Control (see the module docstring), and
    `Vary: Cookie` on HTML a shared cache may keep; each name of `Vary` once."""
    current = next((v.decode("latin-1") for k, v in headers if k.lower() == b"cache-control"), None)
    sets_cookie = any(k.lower() == b"set-cookie" for k, _ in headers)
    policy = cache_control_for(scope, status, current, sets_cookie, shared)
    headers = [(k, v) for k, v in headers if k.lower() != b"cache-control"]
    headers.append((b"cache-control", policy.encode("latin-1")))
    more = ("Cookie",) if policy.startswith("public") and _is_html(headers) else ()
    return vary_once(headers, *more)
