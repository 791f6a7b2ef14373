"""The staff see each window's earliest lawful close as an office writes it, marked provisional
while it counts late-December days of a year whose successor is not loaded (issue #12)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.support.bodies import draft_body
from tests.support.clock import Clock, local
from tests.support.staff import StaffFixture

STAFF_PATH = "/api/v1/staff/consultations"


def test_a_late_december_close_is_provisional_in_the_api_and_on_the_staff_page(
    client: TestClient, staff: StaffFixture, clock: Clock
) -> None:
    clock.now = local(2026, 12, 3, 10, 0)
    editor = staff.headers("editor")
    late = client.post(
        STAFF_PATH,
        json=draft_body(
            opens_at=local(2026, 12, 14, 10).isoformat(),
            closes_at=local(2026, 12, 28).isoformat(),
            publish_at=None,
        ),
        headers=editor,
    )
    assert late.status_code == 201, late.text
    draft = late.json()
    assert draft["earliest_close"] == "2026-12-22T00:00:00+08:00"
    assert draft["earliest_close_provisional"] is True
    assert draft["earliest_close_provisional_until_year"] == 2027
    office = "公示期：2026年12月15日至12月21日（5个工作日），截至12月21日24时"
    assert draft["earliest_close_office_zh"] == office
    page = client.get(f"/staff/consultations/{draft['id']}", headers=editor).text
    assert office in page
    assert "暂定：以2027年节假日安排发布为准。" in page
    assert "第八条" in page  # the explanation, with its citation

    early = client.post(
        STAFF_PATH,
        json=draft_body(
            opens_at=local(2026, 12, 7, 10).isoformat(),
            closes_at=local(2026, 12, 21).isoformat(),
            publish_at=None,
        ),
        headers=editor,
    ).json()
    assert early["earliest_close_provisional"] is False
    early_page = client.get(f"/staff/consultations/{early['id']}", headers=editor).text
    assert "公示期：2026年12月8日至12月14日（5个工作日），截至12月14日24时" in early_page
    assert "暂定" not in early_page
