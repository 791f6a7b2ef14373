"""Build each feed body once per change, not once per request.

A feed is a pure function of its rows, so the caller passes a cheap *version token* that changes
whenever the rows do, e.g. ``(max(updated_at), count(*))`` of the rows the feed shows: the
maximum catches edits, the count catches deletions that leave the maximum alone. The body, its
ETag and Last-Modified are kept until the token changes.

The cache is bounded (least recently used out) because filter parameters come from the public:
without a bound, every distinct query string would pin a feed body in memory.
"""

from __future__ import annotations

import base64
import datetime as dt
import gzip
import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TypeAlias

#: bodies smaller than this are not worth a Content-Encoding
MIN_GZIP_BYTES = 1024
#: zlib's default: within 1 % of level 9's size at half the time (a 7 MB CSV: ~0.25 s, once)
GZIP_LEVEL = 6

ParamValue: TypeAlias = str | int | Iterable[str | int] | None
NormalisedParams: TypeAlias = tuple[tuple[str, tuple[str, ...]], ...]
FeedKey: TypeAlias = tuple[str, NormalisedParams]


@dataclass(frozen=True, slots=True)
class BuiltFeed:
    """A feed body ready to serve, with the validators HTTP caching needs."""

    body: bytes
    #: full Content-Type, charset included
    media_type: str
    #: strong ETag, quoted, e.g. ``"q3Jc..."``
    etag: str
    #: aware UTC, whole seconds (HTTP dates have no fractions; a fraction would defeat
    #: If-Modified-Since comparisons)
    last_modified: dt.datetime
    #: the body gzip-compressed once, at build time: serving it costs no compression
    gzip_body: bytes = b""
    #: the instants between which time alone leaves the body true (None: unbounded); a
    #: cached body outside them is rebuilt (a scheduled publication has come, say)
    valid_from: dt.datetime | None = None
    valid_until: dt.datetime | None = None
    #: `time.monotonic()` past which the body is rebuilt whatever its version (for what it
    #: shows that no version tracks); None: never
    recheck_at: float | None = None
    #: the answers served for this body, worked out once per kind of request (encoding,
    #: conditional, method) by the fast path (`publisher.web.conditional.kept_answer`)
    answers: dict[Hashable, object] = field(
        default_factory=dict, init=False, compare=False, repr=False
    )

    def valid_at(self, now: dt.datetime | None) -> bool:
        if self.recheck_at is not None and time.monotonic() >= self.recheck_at:
            return False
        if now is None:
            return True
        if self.valid_from is not None and now < self.valid_from:
            return False
        return self.valid_until is None or now < self.valid_until

    @property
    def gzip_etag(self) -> str:
        """The gzip representation's own strong ETag (RFC 9110 8.8.3: one per encoding)."""
        return self.etag[:-1] + '-gz"'

    @classmethod
    def from_body(cls, body: bytes, media_type: str, last_modified: dt.datetime) -> BuiltFeed:
        """Wrap a body, deriving its strong ETag from the bytes themselves, and compress it
        once (deterministically: no timestamp in the gzip header)."""
        if last_modified.tzinfo is None or last_modified.utcoffset() is None:
            raise ValueError("last_modified must be an aware datetime")
        digest = hashlib.sha256(body).digest()[:18]
        etag = '"' + base64.urlsafe_b64encode(digest).decode("ascii") + '"'
        when = last_modified.astimezone(dt.UTC).replace(microsecond=0)
        packed = gzip.compress(body, GZIP_LEVEL, mtime=0) if len(body) >= MIN_GZIP_BYTES else b""
        return cls(
            body=body, media_type=media_type, etag=etag, last_modified=when, gzip_body=packed
        )


def normalise_params(params: Mapping[str, ParamValue] | None) -> NormalisedParams:
    """Canonical form of filter parameters: names sorted, empty values dropped, values
    stripped, de-duplicated and sorted (filters are sets), so ``?a=1&b=2`` and ``?b=2&a=1``
    share one cache entry."""
    if not params:
        return ()
    out: list[tuple[str, tuple[str, ...]]] = []
    for name in sorted(params):
        raw = params[name]
        if raw is None:
            continue
        items: Iterable[str | int] = [raw] if isinstance(raw, str | int) else raw
        values = tuple(sorted({str(v).strip() for v in items} - {""}))
        if values:
            out.append((name, values))
    return tuple(out)


class _Slot:
    __slots__ = ("current", "lock", "pending")

    def __init__(self) -> None:
        self.lock = threading.Lock()
        #: (version, built), replaced as one object so readers never see a torn pair
        self.current: tuple[Hashable, BuiltFeed] | None = None
        #: (version, its build in progress off the request path), see `FeedCache.rebuild`
        self.pending: tuple[Hashable, Future[BuiltFeed]] | None = None


@dataclass(frozen=True, slots=True)
class Rebuild:
    """A build under way for a key (`FeedCache.rebuild`): its result to come, the body it
    replaces (None on a first build) and whether this call started it or joined it."""

    future: Future[BuiltFeed]
    previous: BuiltFeed | None
    started: bool


def _serving(
    slot: _Slot, version: Hashable, now: dt.datetime | None
) -> tuple[Hashable, BuiltFeed] | None:
    """The slot's body if it was built for `version` and time has not changed it since."""
    current = slot.current
    if current is None or current[0] != version or not current[1].valid_at(now):
        return None
    return current


class FeedCache:
    """Thread-safe, bounded cache of built feeds keyed by (feed name, normalised params)."""

    def __init__(self, max_entries: int = 256, builders: int = 4) -> None:
        if max_entries < 1:
            raise ValueError("max_entries must be at least 1")
        self._max_entries = max_entries
        self._slots: OrderedDict[FeedKey, _Slot] = OrderedDict()
        self._lock = threading.Lock()
        #: rebuilds run here, off the request path (`rebuild`); few threads: a build is CPU
        self._builders = ThreadPoolExecutor(builders, thread_name_prefix="cache-build")
        self.builds = 0
        self.hits = 0

    def _slot(self, key: FeedKey) -> _Slot:
        """The key's slot, made most recently used (call with `_lock` held)."""
        slot = self._slots.get(key)
        if slot is None:
            slot = self._slots[key] = _Slot()
            while len(self._slots) > self._max_entries:
                self._slots.popitem(last=False)
        else:
            self._slots.move_to_end(key)
        return slot

    @staticmethod
    def key(name: str, params: Mapping[str, ParamValue] | None = None) -> FeedKey:
        return (name, normalise_params(params))

    def get(
        self,
        name: str,
        params: Mapping[str, ParamValue] | None,
        version: Hashable,
        build: Callable[[], BuiltFeed],
        now: dt.datetime | None = None,
    ) -> BuiltFeed:
        """The cached feed for this key if built for ``version`` (and valid at ``now``), else
        build, store and return it.

        Concurrent requests for the same key and version build once: the others wait for the
        first build instead of repeating it. Builds of different keys run in parallel.
        """
        key = self.key(name, params)
        with self._lock:
            slot = self._slot(key)
        current = _serving(slot, version, now)
        if current is not None:
            with self._lock:
                self.hits += 1
            return current[1]
        with slot.lock:
            current = _serving(slot, version, now)
            if current is not None:
                with self._lock:
                    self.hits += 1
                return current[1]
            built = build()
            slot.current = (version, built)
            with self._lock:
                self.builds += 1
            return built

    def peek(
        self,
        name: str,
        params: Mapping[str, ParamValue] | None,
        version: Hashable,
        now: dt.datetime | None = None,
    ) -> BuiltFeed | None:
        """The cached feed if it is current, without waiting for a build in progress: the hit
        path of an async endpoint, which must not block the event loop (the only lock taken
        guards a few dictionary operations)."""
        key = self.key(name, params)
        with self._lock:
            slot = self._slots.get(key)
            current = _serving(slot, version, now) if slot is not None else None
            if current is None:
                return None
            self._slots.move_to_end(key)
            self.hits += 1
        return current[1]

    def rebuild(
        self,
        name: str,
        params: Mapping[str, ParamValue] | None,
        version: Hashable,
        build: Callable[[], BuiltFeed],
    ) -> Rebuild:
        """Build this key's body for `version` in the cache's own threads, once: a call while
        a build for the same version is under way joins it. The caller decides how long to
        wait for it; `previous` is the body it replaces, which can be served meanwhile (so a
        slow rebuild, 10,000 items, never holds readers up).

        One build at a time per key: a call for a newer version while one runs joins it too
        when there is a body to serve meanwhile, and the first call after it finishes starts
        the newer one. Versions that change faster than a build takes (comments pouring in
        under a page that counts them) keep one builder busy at most, instead of queueing a
        build per version seen, each waited for in turn."""
        key = self.key(name, params)
        with self._lock:
            slot = self._slot(key)
            previous = slot.current[1] if slot.current is not None else None
            pending = slot.pending
            if (
                pending is not None
                and not pending[1].done()
                and (pending[0] == version or previous is not None)
            ):
                return Rebuild(pending[1], previous, started=False)
            future = self._builders.submit(self._store, key, slot, version, build)
            slot.pending = (version, future)
            return Rebuild(future, previous, started=True)

    def _store(
        self, key: FeedKey, slot: _Slot, version: Hashable, build: Callable[[], BuiltFeed]
    ) -> BuiltFeed:
        try:
            built = build()
        except BaseException:
            # a key that never built (a 404 for a made-up meeting number) keeps no slot: a
            # crawl of made-up keys must not push the useful bodies out
            with self._lock:
                if slot.current is None and self._slots.get(key) is slot:
                    del self._slots[key]
            raise
        with self._lock:
            slot.current = (version, built)
            self.builds += 1
        return built

    def invalidate(self, name: str | None = None) -> None:
        """Forget every entry of one feed (or all feeds), e.g. after a bulk import."""
        with self._lock:
            for key in [k for k in self._slots if name is None or k[0] == name]:
                del self._slots[key]

    def __len__(self) -> int:
        with self._lock:
            return len(self._slots)
