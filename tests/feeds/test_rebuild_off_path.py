"""A body kept in memory is rebuilt off the request path (issue #15: a 10,000-item feed took
3.4 s to rebuild on the request path): the request that finds it out of date waits for the
rebuild at most `REBUILD_WAIT_SECONDS`, every other one meanwhile gets the previous body, and
hits are answered before routing with the very answer the route gives."""

from __future__ import annotations

import asyncio
import datetime as dt
import threading
import time
from collections.abc import Iterator, MutableMapping
from typing import Any

import pytest
from fastapi.testclient import TestClient
from starlette.requests import Request

from feeds.cache import BuiltFeed, FeedCache
from publisher.settings import Settings
from publisher.storage.generations import LOCAL_COMMITS
from publisher.web.app import create_app
from publisher.web.memory import REBUILD_WAIT_SECONDS, MemoryFastPath, from_memory
from tests.harness.aio import run_async
from tests.support.clock import MEETINGS_NOW, Clock

NOW = dt.datetime(2026, 11, 22, 1, 0, tzinfo=dt.UTC)


def _body(text: str) -> BuiltFeed:
    return BuiltFeed.from_body(text.encode(), "text/plain; charset=utf-8", NOW)


def test_a_rebuild_runs_once_and_the_previous_body_stays_at_hand() -> None:
    cache = FeedCache()
    cache.get("f", {}, 1, lambda: _body("one"))
    release = threading.Event()

    def slow() -> BuiltFeed:
        release.wait(10)
        return _body("two")

    first = cache.rebuild("f", {}, 2, slow)
    joined = cache.rebuild("f", {}, 2, slow)
    assert first.started and not joined.started and joined.future is first.future
    assert first.previous is not None and first.previous.body == b"one"
    assert cache.peek("f", {}, 2) is None  # not current until the rebuild is done
    release.set()
    assert first.future.result(10).body == b"two"
    current = cache.peek("f", {}, 2)
    assert current is not None and current.body == b"two" and cache.builds == 2


def test_a_slow_rebuild_never_holds_a_request_past_the_wait() -> None:
    cache = FeedCache()
    cache.get("f", {}, 1, lambda: _body("one"))
    release = threading.Event()

    def slow() -> BuiltFeed:
        release.wait(10)  # a 10,000-item feed takes seconds
        return _body("two")

    async def two_readers() -> tuple[list[bytes], list[float]]:
        async def read(delay: float) -> tuple[bytes, float]:
            await asyncio.sleep(delay)
            started = time.monotonic()
            built = await from_memory(cache, "f", {}, (2,), NOW, slow)
            return built.body, time.monotonic() - started

        results = await asyncio.gather(read(0), read(0.1))
        return [b for b, _ in results], [t for _, t in results]

    try:
        bodies, waits = run_async(two_readers())
    finally:
        release.set()
    assert bodies == [b"one", b"one"]  # the previous body while the rebuild runs
    assert REBUILD_WAIT_SECONDS <= waits[0] < REBUILD_WAIT_SECONDS + 1.5  # it started it
    assert waits[1] < 0.3  # it found the rebuild under way: no wait at all


def test_a_quick_rebuild_is_waited_for() -> None:
    cache = FeedCache()
    cache.get("f", {}, 1, lambda: _body("one"))
    built = run_async(from_memory(cache, "f", {}, (2,), NOW, lambda: _body("two")))
    assert built.body == b"two"  # read-your-writes when the build is quick


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    app = create_app(settings.model_copy(update={"cache_check_seconds": 60}))
    app.state.clock = Clock(MEETINGS_NOW)
    with TestClient(app, base_url="http://testserver") as c:
        yield c
    app.state.engine.dispose()


def _fast_path(app: Any) -> MemoryFastPath:
    fast: MemoryFastPath = app.fast_path
    return fast


@pytest.mark.parametrize("path", ["/feeds/meetings.rss", "/feeds/meetings.ics", "/meetings"])
def test_a_hit_is_answered_before_routing_as_the_route_answers(
    client: TestClient, path: str
) -> None:
    headers = {"Accept-Encoding": "gzip"}
    routed = client.get(path, headers=headers)  # a miss: the route builds and keeps it
    fast = _fast_path(client.app)
    assert path in fast.hits
    hit = fast.hits[path]
    scope = {
        "type": "http",
        "method": "GET",
        "path": path,
        "query_string": b"",
        "headers": [(b"accept-encoding", b"gzip")],
        "app": client.app,
    }
    answer = hit(Request(scope))
    assert answer is not None  # current in memory: no routing needed
    again = client.get(path, headers=headers)
    assert again.content == routed.content
    drop = {"date", "content-length"}
    assert {k: v for k, v in again.headers.items() if k not in drop} == {
        k: v for k, v in routed.headers.items() if k not in drop
    }
    assert answer.headers["etag"] == routed.headers["etag"]
    # worked out once per kind of request to a kept body, then reused (#15)
    assert hit(Request(scope)) is answer
    current = [(b"accept-encoding", b"gzip"), (b"if-none-match", routed.headers["etag"].encode())]
    not_modified = hit(Request({**scope, "headers": current}))
    assert not_modified is not None and not_modified.status_code == 304
    assert (
        not_modified is not answer and hit(Request({**scope, "headers": current})) is not_modified
    )
    identity = hit(Request({**scope, "headers": []}))
    assert identity is not None and "content-encoding" not in identity.headers
    # a query never validated by the route finds nothing: the route validates it
    assert hit(Request({**scope, "query_string": b"page=0"})) is None


@pytest.mark.parametrize("path", ["/feeds/meetings.rss", "/meetings"])
def test_a_hit_for_another_host_name_is_refused_as_any_request(
    client: TestClient, path: str
) -> None:
    """The fast path answers in front of the Host check only for the service's own names."""
    assert client.get(path).status_code == 200  # kept in memory now
    assert client.get(path, headers={"Host": "testserver:80"}).status_code == 200
    foreign = client.get(path, headers={"Host": "evil.example"})
    assert foreign.status_code == 400 and foreign.text == "Invalid host header"


def test_hits_that_find_the_watch_due_share_one_refresh_and_stay_on_the_fast_path(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every second the watch is due for its re-read: the hits arriving meanwhile await the
    one refresh under way (in the thread pool) and are then answered from memory, instead of
    each taking the routed path or starting a refresh of its own."""
    path = "/feeds/meetings.rss"
    assert client.get(path).status_code == 200  # kept in memory
    watch = client.app.state.generation_watch  # type: ignore[attr-defined]
    refreshes: list[float] = []
    refresh = watch.refresh

    def slow_refresh() -> None:
        refreshes.append(time.monotonic())
        time.sleep(0.05)  # so that the hits overlap it
        refresh()

    monkeypatch.setattr(watch, "refresh", slow_refresh)
    LOCAL_COMMITS.record()  # as after a commit in this process: the watch is due
    assert watch.stale()
    fast = _fast_path(client.app)
    sent: list[int] = []

    async def send(message: MutableMapping[str, Any]) -> None:
        if message["type"] == "http.response.start":
            sent.append(message["status"])

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    def scope() -> dict[str, Any]:
        headers = [(b"host", b"testserver")]
        return {"type": "http", "method": "GET", "path": path, "query_string": b"",
                "headers": headers, "app": client.app}  # fmt: skip

    async def many() -> list[bool]:
        return await asyncio.gather(*(fast.answer(scope(), receive, send) for _ in range(20)))

    answered = run_async(many())
    assert answered == [True] * 20 and sent == [200] * 20
    assert len(refreshes) == 1 and not watch.stale()
