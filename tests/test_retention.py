"""Personal data past its retention period is erased, and nothing else, nothing early.

One of everything is planted through the real APIs (tests.support.world); the rules run at
chosen instants on the real database, and what staff then see (API, page, CSV) is checked, as
is what the public and the receipt holders still see.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from consultation.models import Comment
from publisher.meetings.models import MeetingApplication
from publisher.retention import apply_rules
from publisher.settings import Settings
from publisher.throttle.models import ThrottleHit
from publisher.timeutil import LOCAL_TZ, now_utc
from publisher.web.app import create_app
from publisher.wiring import retention_rules
from tests.support.bodies import comment_body, draft_body
from tests.support.staff import StaffFixture
from tests.support.world import MARKERS, Clock, ok, plant_one_of_everything

# the planted meeting ends 2026-12-07 11:30; the planted summary is published 2026-12-08 09:00
BEFORE_ANY_IS_DUE = dt.datetime(2027, 6, 1, 12, 0, tzinfo=LOCAL_TZ)
AFTER_MEETING_AND_SUMMARY = dt.datetime(2027, 6, 10, 12, 0, tzinfo=LOCAL_TZ)
# the consultation that never publishes a summary closes 2026-12-07: two years later
AFTER_UNSUMMARISED = dt.datetime(2028, 12, 10, 12, 0, tzinfo=LOCAL_TZ)


def _counts(session: Session, at: dt.datetime, *, dry_run: bool = False) -> dict[str, int]:
    outcomes = apply_rules(session, retention_rules(), at, dry_run=dry_run)
    return {outcome.rule.name: outcome.count for outcome in outcomes}


@pytest.fixture
def world(settings: Settings, staff: StaffFixture) -> Iterator[tuple[TestClient, dict[str, Any]]]:
    app = create_app(settings)
    clock = Clock()
    app.state.clock = clock
    with TestClient(app, base_url="http://testserver") as client:
        planted = plant_one_of_everything(client, clock, staff)
        editor = staff.headers("editor")
        clock.now = dt.datetime(2026, 11, 24, 9, 0, tzinfo=LOCAL_TZ)  # both windows open
        pending = ok(
            client.post(
                f"/api/v1/meetings/{planted['meeting']}/applications",
                json={
                    "applicant_name": "未审申请人丙",
                    "phone": "13600003333",
                    "category": "citizen",
                    "statement": "我住在某小区3号楼",
                },
                headers={"X-Forwarded-For": "198.51.100.9"},
            ),
            201,
        )
        unsummarised = ok(
            client.post(
                "/api/v1/staff/consultations",
                json=draft_body(
                    title="另一个草案（不发布采纳情况）",
                    opens_at=clock.now.isoformat(),
                    publish_at=clock.now.isoformat(),
                ),
                headers=editor,
            ),
            201,
        )
        ok(
            client.post(
                f"/api/v1/consultations/{unsummarised['id']}/comments",
                json=comment_body(name="评论人丁", phone="13500004444"),
            ),
            201,
        )
        planted |= {"pending": pending["receipt_code"], "unsummarised": unsummarised["id"]}
        yield client, planted
    app.state.engine.dispose()


def test_contacts_are_erased_when_due_and_only_then(
    world: Any, staff: StaffFixture, session_factory: sessionmaker[Session]
) -> None:
    client, planted = world
    reviewer = staff.headers("reviewer")

    with session_factory() as session:
        early = _counts(session, BEFORE_ANY_IS_DUE)
        assert early["applicant-contacts"] == 0 and early["commenter-contacts"] == 0
        assert session.scalar(select(func.count()).where(MeetingApplication.phone.is_(None))) == 0

        dry = _counts(session, AFTER_MEETING_AND_SUMMARY, dry_run=True)
        assert dry["applicant-contacts"] == 2 and dry["commenter-contacts"] == 1
        assert session.scalar(select(func.count()).where(Comment.phone.is_(None))) == 0

        due = _counts(session, AFTER_MEETING_AND_SUMMARY)
        assert due["applicant-contacts"] == 2 and due["commenter-contacts"] == 1
        again = _counts(session, AFTER_MEETING_AND_SUMMARY)
        assert again["applicant-contacts"] == 0 and again["commenter-contacts"] == 0

    applications = ok(
        client.get(f"/api/v1/staff/meetings/{planted['meeting']}/applications", headers=reviewer)
    )
    by_status = {a["status"]: a for a in applications}
    admitted, pending = by_status["approved"], by_status["pending"]
    assert admitted["phone"] is None and admitted["email"] is None
    assert admitted["applicant_name"] == MARKERS["applicant name"]  # with the meeting's record
    assert admitted["contact_erased_at"] is not None
    assert (pending["applicant_name"], pending["statement"], pending["phone"]) == ("", "", None)

    page = client.get(f"/staff/meetings/{planted['meeting']}", headers=reviewer).text
    assert "已按保存期限删除" in page and MARKERS["applicant phone"] not in page
    exported = client.get(
        f"/api/v1/staff/meetings/{planted['meeting']}/applications.csv", headers=reviewer
    )
    assert exported.status_code == 200
    assert MARKERS["applicant phone"] not in exported.text
    assert MARKERS["applicant e-mail"] not in exported.text

    comments = ok(
        client.get(f"/api/v1/staff/consultations/{planted['draft']}/comments", headers=reviewer)
    )
    assert [(c["commenter_name"], c["phone"], c["email"]) for c in comments] == [(None, None, None)]
    assert comments[0]["answer"]  # the disposition and its reason stay: the public record
    kept = ok(
        client.get(
            f"/api/v1/staff/consultations/{planted['unsummarised']}/comments", headers=reviewer
        )
    )
    assert kept[0]["phone"] == "13500004444"  # no summary yet: two years after closing

    # receipt holders still find their application and comment
    assert ok(client.get(f"/api/v1/applications/{planted['receipts'][0]}"))["status"] == "approved"
    assert ok(client.get(f"/api/v1/comments/{planted['receipts'][1]}"))["disposition"]

    with session_factory() as session:
        assert _counts(session, AFTER_UNSUMMARISED)["commenter-contacts"] == 1
    kept = ok(
        client.get(
            f"/api/v1/staff/consultations/{planted['unsummarised']}/comments", headers=reviewer
        )
    )
    assert kept[0]["phone"] is None and kept[0]["commenter_name"] is None


def test_rate_limit_counters_go_after_a_day(
    world: Any, session_factory: sessionmaker[Session]
) -> None:
    with session_factory() as session:
        hits = session.scalar(select(func.count()).select_from(ThrottleHit))
        assert hits and hits > 0  # the planted comments and applications were counted
        first = session.scalar(select(func.min(ThrottleHit.occurred_at)))
        last = session.scalar(select(func.max(ThrottleHit.occurred_at)))
        assert first is not None and last is not None
        assert _counts(session, first + dt.timedelta(hours=23))["throttle-hits"] == 0
        assert _counts(session, last + dt.timedelta(days=1))["throttle-hits"] == hits
        assert session.scalar(select(func.count()).select_from(ThrottleHit)) == 0


def test_the_command_runs_every_rule(settings: Settings, session_factory: Any) -> None:
    with session_factory() as session:
        session.add(
            ThrottleHit(scope="test", subject="x", occurred_at=now_utc() - dt.timedelta(days=2))
        )
        session.commit()
    env = os.environ | {
        "PUBLISHER_ENVIRONMENT": "test",
        "PUBLISHER_DATABASE_URL": settings.effective_database_url,
        "PUBLISHER_DATA_DIR": str(settings.data_dir),
    }
    command = [str(Path(sys.executable).parent / "publisher"), "retention", "run"]
    dry = subprocess.run([*command, "--dry-run"], env=env, capture_output=True, text=True)
    assert dry.returncode == 0, dry.stderr
    assert "throttle-hits: would erase 1" in dry.stdout and "(dry run)" in dry.stdout
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    for rule in retention_rules():
        assert f"{rule.name}: erased" in done.stdout
    assert "throttle-hits: erased 1" in done.stdout
    with session_factory() as session:
        assert session.scalar(select(func.count()).select_from(ThrottleHit)) == 0
