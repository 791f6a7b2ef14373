"""Applications written by the group writer in batches (#15): the places held are counted once
per batch, not once per application (a popular meeting's count reads all its applications),
and the count stays true when a submission of the batch is refused and the batch is written
again with a savepoint each. Real SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from publisher.meetings.intake import (
    ApplicationInput,
    _checked_input,
    _SamePhone,
    _take_application,
    apply_to_attend,
)
from publisher.meetings.models import MeetingApplication
from publisher.meetings.vocabulary import RepresentativeCategory
from publisher.storage.group_commit import GroupWriter
from tests.meetings.test_applications import open_notice
from tests.support.clock import MEETINGS_NOW
from tests.support.memory import statements_run
from tests.support.writer import writer_held

NOW = MEETINGS_NOW + dt.timedelta(hours=1)


def _applying(notice_id: int, phone: str) -> Callable[[Session], tuple[MeetingApplication, bool]]:
    """What the intake hands the writer for one application from its own address."""
    data, key = _checked_input(
        ApplicationInput("李市民", phone, RepresentativeCategory.CITIZEN, "关注停车"), None
    )
    return lambda session: _take_application(session, notice_id, data, NOW, phone, key)


def _statuses(session_factory: sessionmaker[Session], notice_id: int) -> list[str]:
    with session_factory() as session:
        return list(
            session.scalars(
                select(MeetingApplication.status)
                .where(MeetingApplication.notice_id == notice_id)
                .order_by(MeetingApplication.id)
            )
        )


def _counts_of_places(statements: list[str]) -> int:
    """Counts of the places held (a waiting list position is a count of its own)."""
    return sum("count(*)" in s and "meeting_application.status IN" in s for s in statements)


def test_a_batch_counts_the_places_once_and_fills_the_meeting_to_its_capacity(
    client: TestClient, staff: Any, engine: Engine, session_factory: sessionmaker[Session]
) -> None:
    notice_id = open_notice(client, staff, capacity=3)
    writer = GroupWriter(engine)
    with statements_run(engine) as statements:
        with writer_held(writer):
            batch = [writer.submit(_applying(notice_id, f"1390013900{i}")) for i in range(6)]
        assert all(f.result(30)[1] for f in batch)
    assert list(writer.batches)[-1] == 6
    assert _counts_of_places(statements) == 1
    assert _statuses(session_factory, notice_id) == ["pending"] * 3 + ["waitlisted"] * 3


def test_a_refusal_in_the_batch_leaves_the_count_true(
    client: TestClient, staff: Any, engine: Engine, session_factory: sessionmaker[Session]
) -> None:
    """The second of a phone's applications is refused after the first took a place: the
    batch is written again with a savepoint each, and the count (kept for the batch) takes
    only the places really taken. One place is held before the batch: 2 of 3 are left."""
    notice_id = open_notice(client, staff, capacity=3)
    with session_factory() as session:
        _, created = apply_to_attend(
            session,
            notice_id,
            ApplicationInput("王市民", "13700137000", RepresentativeCategory.CITIZEN),
            NOW,
            requester="before",
        )
    assert created
    writer = GroupWriter(engine)
    with writer_held(writer):
        batch: list[Future[Any]] = [
            writer.submit(_applying(notice_id, "13900139001")),
            writer.submit(_applying(notice_id, "13900139001")),  # the same phone again
            writer.submit(_applying(notice_id, "13900139002")),
            writer.submit(_applying(notice_id, "13900139003")),
        ]
    assert batch[0].result(30)[1]
    with pytest.raises(_SamePhone):  # (the intake turns it into `AlreadyApplied`)
        batch[1].result(30)
    assert batch[2].result(30)[1] and batch[3].result(30)[1]
    assert _statuses(session_factory, notice_id) == ["pending"] * 3 + ["waitlisted"]


def test_a_refused_first_application_gives_up_its_lock_and_the_next_locks_again(
    client: TestClient, staff: Any, engine: Engine, session_factory: sessionmaker[Session]
) -> None:
    """The batch's first application to the meeting locks it, then is refused (its phone
    applied before): rolling its savepoint back releases that lock (PostgreSQL releases the
    locks a savepoint took), so the next application locks the meeting and counts again
    instead of trusting what the refused one read."""
    notice_id = open_notice(client, staff, capacity=2)
    with session_factory() as session:
        apply_to_attend(
            session,
            notice_id,
            ApplicationInput("王市民", "13700137000", RepresentativeCategory.CITIZEN),
            NOW,
            requester="before",
        )
    writer = GroupWriter(engine)
    with statements_run(engine) as statements:
        with writer_held(writer):
            batch: list[Future[Any]] = [
                writer.submit(_applying(notice_id, "13700137000")),  # applied before
                writer.submit(_applying(notice_id, "13900139001")),
                writer.submit(_applying(notice_id, "13900139002")),
            ]
        with pytest.raises(_SamePhone):
            batch[0].result(30)
        assert batch[1].result(30)[1] and batch[2].result(30)[1]
    locks = [s for s in statements if "FROM meeting_notice" in s]
    # the first try stops at the refusal (1); written again with savepoints: the refused
    # application's lock (1), the next one's (1), the third trusts the second's
    assert len(locks) == 3, locks
    assert _counts_of_places(statements) == 3
    assert _statuses(session_factory, notice_id) == ["pending", "pending", "waitlisted"]
