"""Meetings as open data (issue #17 item 5): each public notice's agenda items, changes and
outcome in the catalogue, its CSV/JSON and DCAT; no personal data."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from publisher.meetings.open_data import MEETING_AGENDA
from tests.support.bodies import notice_body
from tests.support.clock import Clock, local


def test_agenda_items_changes_and_outcome_as_a_dataset(
    client: TestClient, staff: Any, clock: Clock
) -> None:
    body = notice_body(publication_at=local(2026, 11, 22, 9, 0).isoformat())
    mid = client.post("/api/v1/staff/meetings", json=body, headers=staff.headers("editor")).json()[
        "id"
    ]
    hidden = notice_body(title="依法不公开的会议", withheld=True)
    client.post("/api/v1/staff/meetings", json=hidden, headers=staff.headers("editor"))
    client.patch(
        f"/api/v1/staff/meetings/{mid}",
        json={"place": "市政府第二会议室", "reason": "场地调整"},
        headers=staff.headers("editor"),
    )
    applied = client.post(
        f"/api/v1/meetings/{mid}/applications",
        json={"applicant_name": "周代表", "phone": "13712345670", "category": "legal_adviser"},
    ).json()
    (row,) = client.get(
        f"/api/v1/staff/meetings/{mid}/applications", headers=staff.headers("reviewer")
    ).json()
    client.post(
        f"/api/v1/staff/meetings/{mid}/applications/{row['id']}/decision",
        json={"approve": True, "note": ""},
        headers=staff.headers("reviewer"),
    )
    code = client.get(f"/api/v1/applications/{applied['receipt_code']}").json()["checkin_code"]
    clock.now = local(2026, 12, 7, 9, 20)
    client.post(
        f"/api/v1/staff/meetings/{mid}/checkin",
        json={"code": code},
        headers=staff.headers("reviewer"),
    )
    clock.now = local(2026, 12, 7, 12, 0)
    client.put(
        f"/api/v1/staff/meetings/{mid}/outcome",
        json={
            "summary_kind": "report",
            "summary": "会议研究了民生实事。",
            "decisions": {"1": "通过"},
        },
        headers=staff.headers("editor"),
    )
    rows = client.get(f"/datasets/{MEETING_AGENDA}.json").json()
    assert [(r["meeting_id"], r["item_number"]) for r in rows] == [(mid, 1), (mid, 2)]
    first = rows[0]
    assert first["item_title"] == "审议《三门峡市2027年民生实事方案》"
    assert (first["changes_count"], first["place"]) == (1, "市政府第二会议室")
    assert (first["item_decision"], first["outcome_summary"]) == ("通过", "会议研究了民生实事。")
    assert first["representatives_attended"] == 1
    csv_body = client.get(f"/datasets/{MEETING_AGENDA}.csv").text
    for personal in ("周代表", "13712345670", applied["receipt_code"], code, "依法不公开"):
        assert personal not in csv_body
    listed = [d["id"] for d in client.get("/api/v1/datasets").json()]
    assert MEETING_AGENDA in listed
    assert f"/datasets/{MEETING_AGENDA}" in client.get("/catalog.jsonld").text
