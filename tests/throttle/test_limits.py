"""Rate limits hold under concurrency on SQLite and PostgreSQL (they leaked on PostgreSQL when
each request counted, then inserted, without a lock: 15–19 of 50 comments where 10 was the
limit), and a refused or rolled-back attempt counts nothing."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from publisher.errors import TooManyRequests, ValidationFailed
from publisher.storage.db import write_unit
from publisher.throttle import limits
from publisher.throttle.limits import Backoff, Limit, address_digest
from publisher.throttle.models import ThrottleHit
from tests.support.clock import local

NOW = local(2026, 12, 3, 10, 0)
FIVE_PER_MINUTE = Limit(
    scope="test.five",
    max_hits=5,
    window=dt.timedelta(minutes=1),
    what_en="tests",
    what_zh="测试",
)


def _take(factory: sessionmaker[Session], subject: str, at: dt.datetime = NOW) -> None:
    with factory() as session, write_unit(session):
        limits.take(session, FIVE_PER_MINUTE, subject, at)


def _hits(factory: sessionmaker[Session]) -> int:
    with factory() as session:
        return session.scalar(select(func.count()).select_from(ThrottleHit)) or 0


def test_concurrent_takers_never_exceed_the_limit(session_factory: sessionmaker[Session]) -> None:
    outcomes: list[str] = []
    barrier = threading.Barrier(24)

    def attempt() -> None:
        barrier.wait()
        try:
            _take(session_factory, "one-address")
            outcomes.append("taken")
        except TooManyRequests:
            outcomes.append("refused")

    threads = [threading.Thread(target=attempt) for _ in range(24)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["refused"] * 19 + ["taken"] * 5
    assert _hits(session_factory) == 5


def test_the_window_slides_and_subjects_are_apart(session_factory: sessionmaker[Session]) -> None:
    for second in range(5):
        _take(session_factory, "a", NOW + dt.timedelta(seconds=second))
    with pytest.raises(TooManyRequests) as refused:
        _take(session_factory, "a", NOW + dt.timedelta(seconds=30))
    details = refused.value.details
    assert details["retry_after_seconds"] == 31  # the oldest hit leaves the window at 10:01:00
    assert "每1分钟最多5次" in refused.value.message_zh
    _take(session_factory, "b", NOW + dt.timedelta(seconds=30))  # another subject is free
    _take(session_factory, "a", NOW + dt.timedelta(seconds=60, microseconds=1))


def test_a_unit_that_rolls_back_counts_nothing(session_factory: sessionmaker[Session]) -> None:
    with pytest.raises(ValidationFailed), session_factory() as session, write_unit(session):
        limits.take(session, FIVE_PER_MINUTE, "a", NOW)
        raise ValidationFailed("refused later in the same unit", "同一事务中稍后被拒绝")
    assert _hits(session_factory) == 0


def test_backoff_slows_down_after_the_free_attempts(
    session_factory: sessionmaker[Session],
) -> None:
    backoff = Backoff(
        scope="test.backoff",
        free_attempts=3,
        window=dt.timedelta(minutes=15),
        max_delay=dt.timedelta(seconds=60),
        what_en="tries",
        what_zh="尝试",
    )
    assert [backoff.delay_after(n).total_seconds() for n in (2, 3, 4, 5, 20)] == [0, 1, 2, 4, 60]
    with session_factory() as session, write_unit(session):
        for second in range(4):
            limits.check_backoff(session, backoff, "acct", NOW + dt.timedelta(seconds=second))
            limits.record(session, backoff, "acct", NOW + dt.timedelta(seconds=second))
    with session_factory() as session:
        with pytest.raises(TooManyRequests) as slowed:
            limits.check_backoff(session, backoff, "acct", NOW + dt.timedelta(seconds=4))
        assert slowed.value.details["retry_after_seconds"] <= 2
        limits.check_backoff(session, backoff, "acct", NOW + dt.timedelta(seconds=5))


def test_addresses_are_stored_as_keyed_digests() -> None:
    digest = address_digest("key-1", "203.0.113.9")
    assert "203.0.113.9" not in digest and len(digest) == 40
    assert digest == address_digest("key-1", "203.0.113.9")
    assert digest != address_digest("key-2", "203.0.113.9")


def test_prune_deletes_only_hits_no_limit_counts(session_factory: sessionmaker[Session]) -> None:
    _take(session_factory, "old", NOW - dt.timedelta(days=2))
    _take(session_factory, "new", NOW)
    with session_factory() as session, write_unit(session):
        assert limits.prune(session, NOW) == 1
    assert _hits(session_factory) == 1
