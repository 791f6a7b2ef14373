"""The feed cache: one build per change, shared by concurrent requests."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest

from feeds.cache import BuiltFeed, FeedCache, normalise_params

WHEN = dt.datetime(2026, 10, 9, 1, 30, 15, 999_000, tzinfo=dt.UTC)


class CountingBuilder:
    """A real build function that counts its calls (and can be slowed by a gate)."""

    def __init__(self, body: bytes = b"<feed/>", gate: threading.Event | None = None) -> None:
        self.calls = 0
        self.started = threading.Event()
        self.body = body
        self.gate = gate
        self._lock = threading.Lock()

    def __call__(self) -> BuiltFeed:
        with self._lock:
            self.calls += 1
        self.started.set()
        if self.gate is not None:
            assert self.gate.wait(timeout=10)
        return BuiltFeed.from_body(self.body, "application/atom+xml; charset=utf-8", WHEN)


def test_built_feed_validators() -> None:
    built = BuiltFeed.from_body(b"abc", "text/calendar; charset=utf-8", WHEN)
    assert built.etag.startswith('"') and built.etag.endswith('"')
    assert not built.etag.startswith("W/")
    assert built.last_modified == dt.datetime(2026, 10, 9, 1, 30, 15, tzinfo=dt.UTC)
    other = BuiltFeed.from_body(b"abd", "text/calendar; charset=utf-8", WHEN)
    assert other.etag != built.etag
    assert BuiltFeed.from_body(b"abc", "x", WHEN).etag == built.etag
    # the tag is a function of the bytes alone: a rebuild with the same output keeps it
    later = BuiltFeed.from_body(b"abc", "x", WHEN + dt.timedelta(days=1))
    assert later.etag == built.etag
    with pytest.raises(ValueError):
        BuiltFeed.from_body(b"abc", "x", dt.datetime(2026, 1, 1))


def test_builds_once_per_version() -> None:
    cache = FeedCache()
    build = CountingBuilder()
    first = cache.get("meetings.ics", None, ("2026-10-09", 3), build)
    for _ in range(10):
        assert cache.get("meetings.ics", {}, ("2026-10-09", 3), build) is first
    assert build.calls == 1
    rebuilt = cache.get("meetings.ics", None, ("2026-10-09", 4), build)
    assert build.calls == 2 and rebuilt is not first
    assert (cache.builds, cache.hits) == (2, 10)


def test_keys_are_normalised_params() -> None:
    cache = FeedCache()
    build = CountingBuilder()
    cache.get("meetings.atom", {"kind": ["plenary", "executive"], "office": " 市政府 "}, 1, build)
    cache.get("meetings.atom", {"office": "市政府", "kind": ["executive", "plenary"]}, 1, build)
    cache.get(
        "meetings.atom",
        {"office": "市政府", "kind": ("executive", "plenary", ""), "q": None},
        1,
        build,
    )
    assert build.calls == 1
    cache.get("meetings.atom", {"office": "市政府"}, 1, build)
    cache.get("meetings.rss", {"office": "市政府"}, 1, build)
    assert build.calls == 3
    assert normalise_params({"b": "2", "a": 1, "c": [], "d": ""}) == (("a", ("1",)), ("b", ("2",)))


def test_bounded_least_recently_used() -> None:
    cache = FeedCache(max_entries=2)
    build = CountingBuilder()
    cache.get("f", {"p": "1"}, 1, build)
    cache.get("f", {"p": "2"}, 1, build)
    cache.get("f", {"p": "1"}, 1, build)  # touch 1: now 2 is the oldest
    cache.get("f", {"p": "3"}, 1, build)  # evicts 2
    assert len(cache) == 2 and build.calls == 3
    cache.get("f", {"p": "1"}, 1, build)
    assert build.calls == 3
    cache.get("f", {"p": "2"}, 1, build)
    assert build.calls == 4


def test_invalidate() -> None:
    cache = FeedCache()
    build = CountingBuilder()
    cache.get("a", None, 1, build)
    cache.get("b", None, 1, build)
    cache.invalidate("a")
    cache.get("a", None, 1, build)
    cache.get("b", None, 1, build)
    assert build.calls == 3


def test_concurrent_requests_share_one_build() -> None:
    cache = FeedCache()
    gate = threading.Event()
    build = CountingBuilder(gate=gate)
    results: list[BuiltFeed] = []

    def request() -> None:
        results.append(cache.get("meetings.ics", None, "v1", build))

    with ThreadPoolExecutor(max_workers=32) as pool:
        futures = [pool.submit(request) for _ in range(64)]
        # requests now queue behind the one build in progress instead of repeating it
        assert build.started.wait(timeout=10)
        gate.set()
        for future in futures:
            future.result(timeout=10)
    assert build.calls == 1
    assert len(results) == 64 and len({id(r) for r in results}) == 1


def test_different_keys_build_in_parallel() -> None:
    cache = FeedCache()
    gate = threading.Event()
    slow = CountingBuilder(gate=gate)
    fast: Callable[[], BuiltFeed] = CountingBuilder(body=b"fast")
    with ThreadPoolExecutor(max_workers=2) as pool:
        blocked = pool.submit(cache.get, "slow", None, 1, slow)
        # the slow build holds only its own key: another feed is served meanwhile
        assert cache.get("fast", None, 1, fast).body == b"fast"
        assert not blocked.done()
        gate.set()
        assert blocked.result(timeout=10).body == b"<feed/>"


def test_one_rebuild_at_a_time_however_fast_versions_change() -> None:
    """While a rebuild runs, a newer version joins it and the previous body is served; only
    the first call after it finishes starts the next. A page whose version moves with every
    comment keeps one builder busy, never a queue of builds (#15)."""
    cache = FeedCache(builders=4)
    first = cache.rebuild("page", None, 1, CountingBuilder(body=b"v1"))
    assert first.started and first.future.result(timeout=10).body == b"v1"
    gate = threading.Event()
    slow = CountingBuilder(body=b"v2", gate=gate)
    second = cache.rebuild("page", None, 2, slow)
    assert second.started and slow.started.wait(timeout=10)
    newer = CountingBuilder(body=b"v3")
    for version in (3, 4, 5):
        joined = cache.rebuild("page", None, version, newer)
        assert not joined.started and joined.future is second.future
        assert joined.previous is not None and joined.previous.body == b"v1"
    gate.set()
    assert second.future.result(timeout=10).body == b"v2"
    after = cache.rebuild("page", None, 5, newer)
    assert after.started and after.future.result(timeout=10).body == b"v3"
    assert (slow.calls, newer.calls) == (1, 1)
    assert cache.peek("page", None, 5) is not None and cache.peek("page", None, 4) is None
