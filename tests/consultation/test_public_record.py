"""A consultation's window is the one the public really had (issue #12): neither its opening
nor its publication can be backdated, and refusals write nothing."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.support.bodies import draft_body
from tests.support.clock import Clock, local
from tests.support.snapshot import database_rows
from tests.support.staff import StaffFixture

STAFF_PATH = "/api/v1/staff/consultations"


def test_a_window_that_opened_in_the_past_is_refused_and_writes_nothing(
    client: TestClient, staff: StaffFixture, clock: Clock
) -> None:
    """A window opening 5 working days ago, published "then": a closed window nobody saw."""
    clock.now = local(2026, 11, 30, 10, 0)
    engine = client.app.state.engine  # type: ignore[attr-defined]
    before = database_rows(engine)
    editor = staff.headers("editor")
    for backdated in (
        draft_body(publish_at=local(2026, 11, 23, 8).isoformat()),
        draft_body(
            opens_at=local(2026, 11, 23, 9).isoformat(),
            publish_at=local(2026, 11, 30, 10).isoformat(),
        ),
    ):
        refused = client.post(STAFF_PATH, json=backdated, headers=editor)
        assert refused.status_code == 422, refused.text
        assert "不能倒签" in refused.json()["error"]["message_zh"]
    assert database_rows(engine) == before
    assert client.get("/api/v1/consultations").json() == []


def test_the_window_is_checked_from_the_real_opening(
    client: TestClient, staff: StaffFixture, clock: Clock
) -> None:
    """Opening "a minute ago" is opening now: the 5 working days count from today."""
    clock.now = local(2026, 11, 23, 9, 2)
    editor = staff.headers("editor")
    body = draft_body(
        opens_at=local(2026, 11, 23, 9, 0).isoformat(),
        publish_at=local(2026, 11, 23, 9, 0).isoformat(),
        closes_at=local(2026, 12, 1, 0, 0).isoformat(),  # 11-24…11-30: 5 working days
    )
    created = client.post(STAFF_PATH, json=body, headers=editor)
    assert created.status_code == 201, created.text
    assert created.json()["published_at"] == "2026-11-23T09:02:00+08:00"
    assert created.json()["opens_at"] == "2026-11-23T09:02:00+08:00"


def test_publishing_a_prepared_draft_uses_the_real_moment(
    client: TestClient, staff: StaffFixture, clock: Clock
) -> None:
    editor = staff.headers("editor")
    clock.now = local(2026, 11, 20, 9, 0)
    created = client.post(STAFF_PATH, json=draft_body(publish_at=None), headers=editor).json()
    clock.now = local(2026, 11, 21, 9, 0)
    path = f"{STAFF_PATH}/{created['id']}/publish"
    engine = client.app.state.engine  # type: ignore[attr-defined]
    before = database_rows(engine)
    back = client.post(
        path, json={"publish_at": local(2026, 11, 20, 9).isoformat()}, headers=editor
    )
    assert back.status_code == 422 and "不能倒签" in back.json()["error"]["message_zh"]
    assert database_rows(engine) == before
    now = client.post(path, json={}, headers=editor)
    assert now.status_code == 200, now.text
    assert now.json()["published_at"] == "2026-11-21T09:00:00+08:00"


def test_a_window_closing_at_midnight_reads_as_the_end_of_the_last_day(
    client: TestClient, staff: StaffFixture, clock: Clock
) -> None:
    """A close at 00:00 on 12-07 is "12月6日 24:00" on every page and feed, never "12月7日"."""
    editor = staff.headers("editor")
    draft_id = client.post(STAFF_PATH, json=draft_body(), headers=editor).json()["id"]
    page = client.get(f"/consultations/{draft_id}").text
    assert "2026年12月6日 24:00" in page and "2026年12月7日 00:00" not in page
    assert "2026年12月6日 24:00" in client.get("/consultations").text
    assert "2026年12月6日 24:00" in client.get("/feeds/consultations.rss").text
    api = client.get(f"/api/v1/consultations/{draft_id}").json()
    assert api["closes_at"] == "2026-12-07T00:00:00+08:00"  # the exact instant stays in the API
