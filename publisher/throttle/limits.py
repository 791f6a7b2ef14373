"""Limits: how many attempts per window, checked and counted atomically per key."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from dataclasses import dataclass
from typing import cast

from sqlalchemy import Table, bindparam, delete, func, insert, select, text
from sqlalchemy.orm import Session

from publisher.errors import TooManyRequests
from publisher.retention import RetentionRule
from publisher.throttle.models import ThrottleHit
from publisher.timeutil import format_local, format_local_en, to_local

#: hits older than this are never counted by any limit; `prune` deletes them
LONGEST_WINDOW = dt.timedelta(days=1)


@dataclass(frozen=True)
class Limit:
    """At most `max_hits` counted attempts per `window` for one subject.

    `what_en`/`what_zh` name what is counted, for the refusal ("comments from this address",
    "同一网络地址提交意见"); `hint_zh` is added to the Chinese message when a person may lose
    work they typed (tell them it is not lost)."""

    scope: str
    max_hits: int
    window: dt.timedelta
    what_en: str
    what_zh: str
    hint_zh: str = ""

    def __post_init__(self) -> None:
        if self.window > LONGEST_WINDOW:
            raise ValueError(f"{self.scope}: windows are at most {LONGEST_WINDOW}")

    def refusal(self, retry_at: dt.datetime, now: dt.datetime) -> TooManyRequests:
        minutes = int(self.window.total_seconds() // 60)
        span_en = f"{minutes} minutes" if minutes < 120 else f"{minutes // 60} hours"
        span_zh = f"{minutes}分钟" if minutes < 120 else f"{minutes // 60}小时"
        return TooManyRequests(
            f"Too many {self.what_en}: at most {self.max_hits} in {span_en}. Try again after "
            f"{format_local_en(retry_at)}.",
            f"{self.what_zh}过于频繁（每{span_zh}最多{self.max_hits}次）。"
            f"请于{format_local(retry_at)}之后再试。{self.hint_zh}",
            retry_after_seconds=max(1, int((retry_at - now).total_seconds()) + 1),
            retry_at=to_local(retry_at).isoformat(),
        )


@dataclass(frozen=True)
class Backoff:
    """A slowing-down rather than a lock: after `free_attempts` counted attempts within the
    window, each further one must wait 2^(n - free_attempts) seconds after the last, at most
    `max_delay`. It makes guessing slow for everyone while never locking the owner out for
    long (ASVS V2.2.1: "ever increasing delays between attempts")."""

    scope: str
    free_attempts: int
    window: dt.timedelta
    max_delay: dt.timedelta
    what_en: str
    what_zh: str

    def delay_after(self, attempts: int) -> dt.timedelta:
        if attempts < self.free_attempts:
            return dt.timedelta(0)
        seconds = 2.0 ** min(attempts - self.free_attempts, 30)
        return min(self.max_delay, dt.timedelta(seconds=seconds))


def address_digest(secret_key: str, address: str) -> str:
    """A keyed digest of a network address: limits can count it, nobody can read it back
    (an unkeyed hash of an IPv4 address is reversed by trying all 2^32)."""
    return hmac.new(secret_key.encode(), address.encode(), hashlib.sha256).hexdigest()[:40]


def lock(session: Session, limit: Limit | Backoff, subject: str) -> None:
    """Serialise the takers of one key until the transaction ends. PostgreSQL: an advisory
    transaction lock on a 64-bit hash of the key; SQLite: the unit's write lock already does."""
    if session.get_bind().dialect.name != "postgresql":
        return
    digest = hashlib.blake2b(f"{limit.scope}\x1f{subject}".encode(), digest_size=8).digest()
    # on the connection: throttle rows are never ORM objects, so nothing is to be flushed
    # first, and the session's execute cost as much again as the statement (#15)
    session.connection().execute(_LOCK_KEY, {"key": int.from_bytes(digest, "big", signed=True)})


_LOCK_KEY = text("SELECT pg_advisory_xact_lock(:key)")


#: built once: a limit is checked on every comment, application and sign-in, and building and
#: keying the statement each time cost more than running it (#15)
_RECENT_HITS = (
    select(ThrottleHit.occurred_at)
    .where(
        ThrottleHit.scope == bindparam("scope"),
        ThrottleHit.subject == bindparam("subject"),
        ThrottleHit.occurred_at > bindparam("since", type_=ThrottleHit.occurred_at.type),
    )
    .order_by(ThrottleHit.occurred_at)
)
_HITS_TABLE = cast(Table, ThrottleHit.__table__)
_RECORD_HIT = insert(_HITS_TABLE)  # Core: no unit-of-work flush
#: count and record in one statement: the hit is inserted only while fewer than `max_hits`
#: were counted within the window (one round trip fewer per taken limit on PostgreSQL)
_RECORD_HIT_IF_ROOM = _RECORD_HIT.from_select(
    ["scope", "subject", "occurred_at"],
    select(
        bindparam("scope", type_=ThrottleHit.scope.type),
        bindparam("subject", type_=ThrottleHit.subject.type),
        bindparam("occurred_at", type_=ThrottleHit.occurred_at.type),
    ).where(
        select(func.count())
        .select_from(_HITS_TABLE)
        .where(
            _HITS_TABLE.c.scope == bindparam("scope"),
            _HITS_TABLE.c.subject == bindparam("subject"),
            _HITS_TABLE.c.occurred_at > bindparam("since", type_=ThrottleHit.occurred_at.type),
        )
        .scalar_subquery()
        < bindparam("max_hits")
    ),
).returning(_HITS_TABLE.c.id)


def recent_hits(
    session: Session, limit: Limit | Backoff, subject: str, now: dt.datetime
) -> list[dt.datetime]:
    """When the subject's counted attempts within the window happened, oldest first."""
    since = now - limit.window
    return list(
        session.scalars(_RECENT_HITS, {"scope": limit.scope, "subject": subject, "since": since})
    )


def check(session: Session, limit: Limit, subject: str, now: dt.datetime) -> None:
    """Refuse (429) when the subject has used up the limit; counts nothing."""
    hits = recent_hits(session, limit, subject, now)
    if len(hits) >= limit.max_hits:
        raise limit.refusal(hits[len(hits) - limit.max_hits] + limit.window, now)


def check_backoff(session: Session, backoff: Backoff, subject: str, now: dt.datetime) -> None:
    """Refuse (429) while the subject must still wait after its last counted attempt."""
    hits = recent_hits(session, backoff, subject, now)
    if not hits:
        return
    retry_at = hits[-1] + backoff.delay_after(len(hits))
    if now < retry_at:
        wait = max(1, int((retry_at - now).total_seconds()) + 1)
        raise TooManyRequests(
            f"Too many {backoff.what_en} recently. Try again in {wait} seconds.",
            f"{backoff.what_zh}次数较多，为安全起见请{wait}秒后再试。",
            retry_after_seconds=wait,
            retry_at=to_local(retry_at).isoformat(),
        )


def record(session: Session, limit: Limit | Backoff, subject: str, now: dt.datetime) -> None:
    """Count one attempt (in the caller's unit of work)."""
    session.execute(
        _RECORD_HIT, {"scope": limit.scope, "subject": subject[:160], "occurred_at": now}
    )


def take(
    session: Session, limit: Limit, subject: str, now: dt.datetime, *, serialised: bool = False
) -> None:
    """Check and count one attempt atomically, inside the caller's write unit: the key is
    locked first, so concurrent takers queue and at most `max_hits` pass per window. If the
    unit later rolls back (the request was refused for another reason) nothing is counted.
    `serialised`: every taker of this key already holds a lock the caller holds now (a
    meeting's row, for a limit per meeting), so the key needs no lock of its own."""
    if not serialised:
        lock(session, limit, subject)
    subject = subject[:160]
    recorded = session.connection().execute(
        _RECORD_HIT_IF_ROOM,
        {
            "scope": limit.scope,
            "subject": subject,
            "occurred_at": now,
            "since": now - limit.window,
            "max_hits": limit.max_hits,
        },
    )
    if recorded.first() is None:  # no room: the refusal says when there will be
        check(session, limit, subject, now)
        record(session, limit, subject, now)  # (room made meanwhile: counted after all)


def prune(session: Session, now: dt.datetime) -> int:
    """Delete hits no limit counts any more; returns how many."""
    result = session.execute(
        delete(ThrottleHit).where(ThrottleHit.occurred_at <= now - LONGEST_WINDOW)
    )
    return int(getattr(result, "rowcount", 0) or 0)


THROTTLE_HITS = RetentionRule(
    name="throttle-hits",
    description="rate-limit counters (keyed digests of addresses, never addresses) after 1 day",
    erase=prune,
)
