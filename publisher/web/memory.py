"""Bodies kept in memory, for feeds and public pages alike (docs/architecture.md, "Caches kept
in memory"): the hit path runs no SQL and never leaves the event loop.

A body's version is the generations of the tables it reads (`GenerationWatch`, refreshed in
the thread pool at most every `PUBLISHER_CACHE_CHECK_SECONDS` or after this process's own
writes); time alone changes it at the instants its builder names (`BuiltFeed.valid_until`).
A changed version rebuilds the body in the cache's own threads: the request that starts the
rebuild waits for it up to `REBUILD_WAIT_SECONDS`, then (like every request that arrives while
it runs) is served the previous body, so a slow build (10,000 items) never holds readers up.

Hits skip the router and every layer (`MemoryFastPath`, in front of the app): a layer costs a
call and a wrapped `send`, and matching a request against a few hundred routes and solving an
endpoint's parameters cost several times more than sending a body from memory.
An endpoint says how it answers from memory alone (`answers_from_memory`); the fast path asks
it first and falls through to the routed endpoint (which validates, rebuilds and reports
errors) whenever it has nothing current. A key is only ever stored by the routed endpoint,
after its parameters were validated, so an unvalidated query string never finds a body.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import re
import secrets
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any, TypeVar

from fastapi.routing import APIRoute
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from feeds.cache import BuiltFeed, FeedCache
from publisher.storage.generations import GenerationWatch
from publisher.web.conditional import is_not_modified, kept_answer, sends_gzip
from publisher.web.deps import current_time
from publisher.web.response_headers import HeaderPolicy
from publisher.web.routes.care_mode import care_mode_on

#: what answers a request from memory alone, or None (nothing current: the route takes it);
#: it runs on the event loop and must not wait for anything
MemoryHit = Callable[[Request], Response | None]
_HIT = "_memory_hit"
F = TypeVar("F", bound=Callable[..., Any])


def answers_from_memory(endpoint: F, hit: MemoryHit) -> F:
    """Mark an endpoint whose hits `hit` serves (for a path with parameters, it finds them,
    as strings, in `request.scope["path_params"]` and must check them itself)."""
    endpoint.__dict__[_HIT] = hit
    return endpoint


class MemoryFastPath:
    """In front of the whole app (`publisher.web.app.PublisherApp`), before FastAPI's own
    layers and ours: a GET or HEAD of a path whose endpoint answers from memory, for one of
    the service's own host names, is answered here when it can be, with the headers the
    layers would have added (`HeaderPolicy.decorate`); everything else goes on to the app.
    The layers skipped cannot matter to a hit: its Host is one the service answers (else the
    Host check answers), it reads no body (size limit) and no client address (proxy headers),
    its path is one of a few fixed ones or matches a marked route's pattern (a dataset's
    download: its hit serves only a name of the catalogue), its query string is only found
    in memory once the routed endpoint validated it (control characters), and it comes
    compressed."""

    def __init__(
        self, routes: Iterable[APIRoute], policy: HeaderPolicy, hosts: Iterable[str]
    ) -> None:
        self.policy = policy
        self.hosts = frozenset(host.lower() for host in hosts)
        self._decorations: dict[object, list[tuple[bytes, bytes]]] = {}
        marked = [r for r in routes if _HIT in getattr(r.endpoint, "__dict__", {})]
        self.hits: dict[str, MemoryHit] = {
            route.path: route.endpoint.__dict__[_HIT]
            for route in marked
            if not route.param_convertors
        }
        #: paths with parameters (a dataset's name): the hit reads `scope["path_params"]`
        self.pattern_hits: list[tuple[re.Pattern[str], MemoryHit]] = [
            (route.path_regex, route.endpoint.__dict__[_HIT])
            for route in marked
            if route.param_convertors and "GET" in (route.methods or ())
        ]

    async def answer(self, scope: Scope, receive: Receive, send: Send) -> bool:
        """Answer the request if memory can; whether it did."""
        hit = self.hits.get(scope["path"]) or self._pattern_hit(scope)
        if hit is None or scope["method"] not in ("GET", "HEAD") or not self._our_host(scope):
            return False
        request = Request(scope)
        try:  # when due (else every hit meanwhile would take the routed path)
            await fresh_watch(request)
        except Exception:  # the routed path answers it (a 503 for an outage)
            return False
        response = hit(request)
        if response is None:
            return False
        status = response.status_code
        headers = self._decorated(scope["path"], scope["method"], status, response.raw_headers)
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": response.body})
        return True

    def _pattern_hit(self, scope: Scope) -> MemoryHit | None:
        for pattern, hit in self.pattern_hits:
            found = pattern.match(scope["path"])
            if found is not None:
                scope["path_params"] = found.groupdict()  # strings; the hit checks them
                return hit
        return None

    def _decorated(
        self, path: str, method: str, status: int, raw: list[tuple[bytes, bytes]]
    ) -> list[tuple[bytes, bytes]]:
        """The hit's headers as the layers would leave them. What they add depends on the
        path, the method, the status and the headers only, and a kept body answers with the
        same few headers again and again: worked out once per combination (bounded)."""
        key = (path, method, status, tuple(raw))
        decorated = self._decorations.get(key)
        if decorated is None:
            if len(self._decorations) >= _DECORATIONS_KEPT:
                self._decorations.clear()  # bodies were replaced: their ETags are gone
            scope = {"type": "http", "path": path, "method": method}
            decorated = self._decorations[key] = self.policy.decorate(scope, status, list(raw))
        return decorated

    def _our_host(self, scope: Scope) -> bool:
        for name, value in scope["headers"]:
            if name == b"host":
                host = value.decode("latin-1").lower()
                if host.startswith("["):  # [::1]:8000
                    return host.partition("]")[0] + "]" in self.hosts
                return host.partition(":")[0] in self.hosts
        return False


#: how many (path, method, status, headers) decorations a fast path keeps
_DECORATIONS_KEPT = 512


def memory_paths(routes: Iterable[APIRoute]) -> frozenset[str]:
    """The paths whose endpoints answer from memory (their bodies are compressed once, when
    built)."""
    return frozenset(MemoryFastPath(routes, HeaderPolicy(False, ""), ()).hits)


class CompressUnlessPrecompressed:
    """The response compression middleware, skipped for the paths whose bodies come
    precompressed from memory: it has nothing to do there, and its per-response header work
    was a fifth of a 304's cost."""

    def __init__(
        self, app: ASGIApp, *, skip: frozenset[str], compress: Callable[[ASGIApp], ASGIApp]
    ) -> None:
        self.app = app
        self.skip = skip
        self.compressed = compress(app)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] in self.skip:
            await self.app(scope, receive, send)
        else:
            await self.compressed(scope, receive, send)


def current_version(request: Request, tables: Iterable[str]) -> tuple[int, ...] | None:
    """The generations of these tables if this process's view of them is current, else None
    (the routed endpoint refreshes it)."""
    watch: GenerationWatch = request.app.state.generation_watch
    return None if watch.stale() else watch.of(tables)


#: how long the request that finds a body out of date waits for its rebuild before it is
#: served the previous body (a small feed or page is rebuilt well within it: read-your-writes)
REBUILD_WAIT_SECONDS = 0.5


async def version_of(request: Request, tables: Iterable[str]) -> tuple[int, ...]:
    """The generations of these tables, as this process last read them (a refresh, when due,
    is one small query in the thread pool)."""
    return (await fresh_watch(request)).of(tables)


async def fresh_watch(request: Request) -> GenerationWatch:
    """The app's generation watch, refreshed first when due: one refresh in the thread pool
    at a time, which every request that finds it due meanwhile awaits (not one each)."""
    watch: GenerationWatch = request.app.state.generation_watch
    if not watch.stale():
        return watch
    refreshing: asyncio.Future[None] | None = getattr(request.app.state, _REFRESHING, None)
    # (an app driven from several event loops, as tests do, never awaits another loop's)
    loop = asyncio.get_running_loop()
    if refreshing is None or refreshing.done() or refreshing.get_loop() is not loop:
        refreshing = asyncio.ensure_future(run_in_threadpool(watch.refresh))
        setattr(request.app.state, _REFRESHING, refreshing)
    await asyncio.shield(refreshing)
    return watch


_REFRESHING = "generation_refresh"


async def from_memory(
    cache: FeedCache,
    name: str,
    params: Mapping[str, str],
    version: tuple[int, ...],
    now: dt.datetime,
    build: Callable[[], BuiltFeed],
) -> BuiltFeed:
    """The body for this key and version: from memory, or rebuilt off the event loop (see the
    module docstring for who waits and how long)."""
    built = cache.peek(name, params, version, now)
    if built is not None:
        return built
    rebuild = cache.rebuild(name, params, version, build)
    result = asyncio.wrap_future(rebuild.future)
    if rebuild.previous is None:
        return await result
    if not rebuild.started:
        return rebuild.previous
    try:
        return await asyncio.wait_for(asyncio.shield(result), REBUILD_WAIT_SECONDS)
    except TimeoutError:
        return rebuild.previous


@dataclass(frozen=True)
class RenderedPage:
    """A page rendered for memory: its response, the instants between which time alone leaves
    it true (None: unbounded) and, for what it shows that no tracked table versions, how many
    seconds of real time it may be kept (None: as long as its version holds)."""

    response: Response
    valid_from: dt.datetime | None = None
    valid_until: dt.datetime | None = None
    recheck_seconds: float | None = None


#: what renders a page kept in memory, from a session of its own
PageRender = Callable[[Session, dt.datetime], RenderedPage]


async def memory_page(
    request: Request,
    name: str,
    watches: tuple[str, ...],
    render: PageRender,
    queries: tuple[str, ...] = ("",),
) -> Response:
    """A public page served from memory, keyed on its query string (the page links back to
    itself with it) and on care mode (关怀版: the same URL renders differently with its cookie,
    so a reader in care mode never gets the plain copy, nor the other way round). A render
    that raises (a 404 for a page past the end) is not kept, nor a page asked for with any
    query string but the route's canonical `queries` (`?page=2&x=1` is rendered, not kept:
    made-up parameters must not push the useful bodies out of the bounded cache)."""
    cache: FeedCache = request.app.state.feed_cache
    return page_response(request, await _kept_page(request, cache, name, watches, render, queries))


async def memory_form_page(
    request: Request,
    name: str,
    watches: tuple[str, ...],
    render: PageRender,
    slot: str,
) -> Response:
    """`memory_page` for a page whose form carries a value of its own on every answer (an
    idempotency token, `new_form_token`): the page is kept with `slot` where the value goes,
    and each answer fills in a new one. No two answers are alike: no ETag, no 304, compressed
    per answer by the middleware, kept apart from the feeds and lists (`form_page_cache`, so
    a crawl of every meeting's page never pushes a feed out of memory)."""
    cache: FeedCache = request.app.state.form_page_cache
    built = await _kept_page(request, cache, name, watches, render, ("",))
    body = built.body.replace(slot.encode(), new_form_token().encode(), 1)
    return Response(body, media_type=built.media_type)


def new_form_token() -> str:
    """A form's own idempotency token: a double submission of one rendering is one."""
    return secrets.token_urlsafe(16)


async def _kept_page(
    request: Request,
    cache: FeedCache,
    name: str,
    watches: tuple[str, ...],
    render: PageRender,
    queries: tuple[str, ...],
) -> BuiltFeed:
    now = current_time(request)
    version = await version_of(request, watches)
    key = _page_key(request)
    factory: sessionmaker[Session] = request.app.state.session_factory

    def build() -> BuiltFeed:
        started = time.monotonic()
        with factory() as session:
            page = render(session, now)
        built = BuiltFeed.from_body(
            bytes(page.response.body), page.response.headers["content-type"], last_modified=now
        )
        recheck = None if page.recheck_seconds is None else started + page.recheck_seconds
        return replace(
            built, valid_from=page.valid_from, valid_until=page.valid_until, recheck_at=recheck
        )

    if key["query"] not in queries:
        return await run_in_threadpool(build)
    return await from_memory(cache, f"page:{name}", key, version, now, build)


def _page_key(request: Request) -> dict[str, str]:
    return {"query": request.url.query, "care": "1" if care_mode_on(request) else "0"}


def page_hit(
    name: str, watches: tuple[str, ...] | Callable[[Request], tuple[str, ...]]
) -> MemoryHit:
    """The fast path's answer for a page kept by `memory_page` under the same name; its
    `watches`, or what gives them from the request (the app's, when its features say)."""
    watches_of = watches if callable(watches) else lambda _request: watches

    def hit(request: Request) -> Response | None:
        version = current_version(request, watches_of(request))
        if version is None:
            return None
        cache: FeedCache = request.app.state.feed_cache
        built = cache.peek(f"page:{name}", _page_key(request), version, current_time(request))
        return None if built is None else kept_answer(request, built, page_response)

    return hit


def page_response(request: Request, built: BuiltFeed) -> Response:
    """A page kept in memory: its gzip or identity body, each with its own ETag, or a 304 that
    builds nothing. No Cache-Control: the page's caching class is `publisher.web.caching`'s."""
    gzipped = sends_gzip(request, built)
    etag = built.gzip_etag if gzipped else built.etag
    if is_not_modified(request, built, etag):
        return Response(status_code=304, headers={"ETag": etag, "Vary": "Accept-Encoding"})
    body = built.gzip_body if gzipped else built.body
    headers = {"ETag": etag, "Vary": "Accept-Encoding"}
    if gzipped:  # compressed once when built; the GZip middleware leaves it alone
        headers["Content-Encoding"] = "gzip"
    content = b"" if request.method == "HEAD" else body
    response = Response(content=content, headers=headers, media_type=built.media_type)
    if request.method == "HEAD":
        response.headers["Content-Length"] = str(len(body))
    return response
