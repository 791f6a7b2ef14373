"""The staff work queue (工作台, issue #16 item 6): what needs doing, counted from the features'
manifests, each count a link to the filtered list behind it, sortable, in a fixed number of
SQL statements whatever the number of drafts, meetings and comments."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from tests.support.clock import Clock, local
from tests.support.planting import application, comment, draft, failed, notice, opinion
from tests.support.staff import StaffFixture, sign_in

#: a Wednesday; 3 working days on: Thu 3, Fri 4, Mon 7 (horizon 12-08 00:00); 5: … Wed 9
NOW = local(2026, 12, 2, 10, 0)


@pytest.fixture
def clock() -> Clock:
    return Clock(NOW)


@pytest.fixture
def client(app_client: TestClient, clock: Clock) -> TestClient:
    app_client.app.state.clock = clock  # type: ignore[attr-defined]
    return app_client


def plant(factory: sessionmaker[Session], copies: int = 1) -> dict[str, int]:
    """One of each situation (`copies` times): what each queue must and must not count."""
    ids: dict[str, int] = {}
    with factory() as session:
        for _ in range(copies):
            closing = draft(session, "即将截止的草案", local(2026, 12, 5, 0, 0))
            at_horizon = draft(session, "第三个工作日截止的草案", local(2026, 12, 8, 0, 0))
            draft(session, "第四个工作日截止的草案", local(2026, 12, 8, 9, 0))
            draft(session, "未公开的草案", local(2026, 12, 4, 0, 0), published_at=None)
            closed = draft(session, "已截止未公布的草案", local(2026, 11, 30, 0, 0))
            summarised = draft(
                session,
                "已公布采纳情况的草案",
                local(2026, 11, 28, 0, 0),
                summary_published_at=local(2026, 11, 30, 9, 0),
            )
            for _ in range(3):
                comment(session, closing)
            comment(session, closing, disposition="adopted", answer_text="采纳")
            comment(session, closing, hidden_at=NOW, hidden_reason="广告")
            for _ in range(2):
                comment(session, closed)
            comment(session, summarised)

            soon = notice(session, "未预告的常务会议", local(2026, 12, 8, 9, 30))
            notice(session, "下周四的常务会议", local(2026, 12, 10, 9, 30))
            public = notice(
                session,
                "已预告的常务会议",
                local(2026, 12, 4, 9, 30),
                published_at=local(2026, 11, 25, 9, 0),
            )
            withheld = notice(
                session,
                "暂不公开的会议",
                local(2026, 12, 7, 15, 0),
                published_at=local(2026, 11, 25, 9, 0),
                withheld=True,
            )
            application(session, public, "pending")
            application(session, public, "pending")
            approved = application(session, public, "approved")
            opinion(session, approved)
            opinion(session, approved)
            opinion(session, approved, answered=True)
            for _ in range(3):
                failed(session)
            failed(session, "pending")
            ids.update(
                closing=closing.id,
                at_horizon=at_horizon.id,
                closed=closed.id,
                soon=soon.id,
                public=public.id,
                withheld=withheld.id,
            )
        session.commit()
    return ids


def _queues(client: TestClient, staff: StaffFixture, role: str) -> dict[str, dict[str, Any]]:
    response = client.get("/api/v1/staff/queue", headers=staff.headers(role))
    assert response.status_code == 200, response.text
    assert response.json()["generated_at"] == "2026-12-02T10:00:00+08:00"
    return {q["key"]: q for q in response.json()["queues"]}


def test_each_queue_counts_what_waits_and_links_to_it(
    client: TestClient, staff: StaffFixture, session_factory: sessionmaker[Session]
) -> None:
    ids = plant(session_factory)
    queues = _queues(client, staff, "reviewer")

    unanswered = queues["consultation-unanswered"]
    assert unanswered["total"] == 5  # hidden, answered and summarised ones are not waiting
    by_link = {r["link"]: r["count"] for r in unanswered["rows"]}
    assert by_link == {
        f"/staff/consultations/{ids['closing']}?status=unanswered#h-queue": 3,
        f"/staff/consultations/{ids['closed']}?status=unanswered#h-queue": 2,
    }
    assert unanswered["rows"][0]["count"] == 3  # most first

    closing = queues["consultation-closing"]
    assert [r["label"] for r in closing["rows"]] == ["即将截止的草案", "第三个工作日截止的草案"]
    assert closing["rows"][0]["due_at"] == "2026-12-05T00:00:00+08:00"
    assert closing["rows"][0]["note"] == "未答复意见3条"

    summary = queues["consultation-summary"]
    assert [(r["label"], r["note"]) for r in summary["rows"]] == [
        ("已截止未公布的草案", "未答复意见2条")
    ]
    assert summary["rows"][0]["waiting_since"] == "2026-11-30T00:00:00+08:00"

    applications = queues["meetings-applications"]
    assert [(r["count"], r["link"]) for r in applications["rows"]] == [
        (2, f"/staff/meetings/{ids['public']}?applications=pending#h-applications")
    ]

    opinions = queues["meetings-opinions"]
    [row] = opinions["rows"]
    assert row["count"] == 2
    # assigned Thu 11-26; waited Fri 27, Mon 30, Tue 1 and today, Wed 2
    assert row["note"] == "承办单位：市交通运输局；最久已等待4个工作日"

    unannounced = queues["meetings-unannounced"]
    assert [(r["label"], r["note"]) for r in unannounced["rows"]] == [
        ("暂不公开的会议", "暂不公开"),
        ("未预告的常务会议", "未发布公开预告"),
    ]

    failed = queues["outbox-failed"]
    assert failed["total"] == 3
    assert failed["rows"][0]["link"] == "/staff/outbox?status=failed"


def test_editors_see_only_the_queues_they_act_on(
    client: TestClient, staff: StaffFixture, session_factory: sessionmaker[Session]
) -> None:
    plant(session_factory)
    keys = set(_queues(client, staff, "editor"))
    assert "meetings-applications" not in keys and "consultation-summary" not in keys
    assert "consultation-unanswered" in keys
    sign_in(client, "editor")
    assert client.get("/staff/queue/meetings-applications").status_code == 403
    assert client.get("/staff/queue/no-such-queue").status_code == 404


def test_the_home_shows_counts_as_links_and_each_link_is_the_filtered_list(
    client: TestClient, staff: StaffFixture, session_factory: sessionmaker[Session]
) -> None:
    ids = plant(session_factory)
    sign_in(client, "reviewer")
    home = client.get("/staff/")
    assert home.status_code == 200
    assert '<strong data-queue="consultation-unanswered">5</strong>条意见' in home.text
    assert f'href="/staff/consultations/{ids["closing"]}?status=unanswered#h-queue">3' in home.text

    pending = client.get(f"/staff/meetings/{ids['public']}?applications=pending")
    assert pending.text.count("/decision") == 2  # the approved one is not listed
    assert "仅显示待审核的申请" in pending.text
    waiting = client.get(f"/staff/meetings/{ids['public']}?opinions=waiting")
    assert waiting.text.count("/answer") == 2  # the answered one is not listed
    failures = client.get("/staff/outbox?status=failed")
    assert failures.text.count("/retry") == 3
    assert "仅显示发送失败的消息" in failures.text


def test_a_queue_page_sorts_by_any_of_its_columns(
    client: TestClient, staff: StaffFixture, session_factory: sessionmaker[Session]
) -> None:
    plant(session_factory)
    sign_in(client, "editor")
    soonest = client.get("/staff/queue/consultation-closing").text
    assert soonest.index("即将截止的草案") < soonest.index("第三个工作日截止的草案")
    assert 'aria-sort="ascending"' in soonest
    latest = client.get("/staff/queue/consultation-closing?sort=due&order=desc").text
    assert latest.index("即将截止的草案") > latest.index("第三个工作日截止的草案")
    assert 'aria-sort="descending"' in latest
    # a column the queue does not offer falls back to its default order
    assert client.get("/staff/queue/consultation-closing?sort=count").status_code == 200


def test_a_year_the_calendar_does_not_cover_is_said_not_guessed(
    client: TestClient, staff: StaffFixture, clock: Clock, session_factory: sessionmaker[Session]
) -> None:
    plant(session_factory)
    clock.set(2026, 12, 28, 10, 0)  # 5 working days on reach 2027, not installed here
    queues = _queues_at(client, staff)
    assert queues["meetings-unannounced"]["rows"] == []
    assert "2027" in queues["meetings-unannounced"]["error_zh"]
    assert queues["consultation-closing"]["error_zh"] is None  # 29, 30, 31: covered
    assert queues["consultation-unanswered"]["total"] == 5


def _queues_at(client: TestClient, staff: StaffFixture) -> dict[str, dict[str, Any]]:
    response = client.get("/api/v1/staff/queue", headers=staff.headers("admin"))
    assert response.status_code == 200, response.text
    return {q["key"]: q for q in response.json()["queues"]}


@contextmanager
def _statements(engine: Engine) -> Iterator[list[str]]:
    seen: list[str] = []

    def record(*args: Any) -> None:
        seen.append(args[2])

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def _count(client: TestClient, path: str, **kwargs: Any) -> int:
    engine = client.app.state.engine  # type: ignore[attr-defined]
    client.get(path, **kwargs)  # warm: the calendar source's first look at the database
    with _statements(engine) as seen:
        response = client.get(path, **kwargs)
    assert response.status_code == 200, response.text
    return len(seen)


def test_the_queues_cost_the_same_statements_for_one_or_twenty_of_everything(
    client: TestClient, staff: StaffFixture, session_factory: sessionmaker[Session]
) -> None:
    plant(session_factory)
    sign_in(client, "admin")
    small = {
        "home": _count(client, "/staff/"),
        "api": _count(client, "/api/v1/staff/queue", headers=staff.headers("admin")),
    }
    plant(session_factory, copies=19)
    large = {
        "home": _count(client, "/staff/"),
        "api": _count(client, "/api/v1/staff/queue", headers=staff.headers("admin")),
    }
    assert large == small
    # one statement per queue (7) besides authentication's
    assert small["api"] <= 7 + 6, small
