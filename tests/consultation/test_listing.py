"""The public API list of consultations: paged like every API list, filtered by window state
and closing day (issue #18: it returned every consultation in one answer)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.support.bodies import draft_body
from tests.support.clock import local
from tests.support.staff import StaffFixture


def _publish(client: TestClient, editor: dict[str, str], **overrides: str) -> int:
    created = client.post(
        "/api/v1/staff/consultations", json=draft_body(**overrides), headers=editor
    )
    assert created.status_code == 201, created.text
    return int(created.json()["id"])


def test_consultations_are_paged_and_filtered(client: TestClient, staff: StaffFixture) -> None:
    editor = staff.headers("editor")
    for day in (7, 8, 9):  # open now, closing at 00:00 of the 7th, 8th, 9th
        _publish(client, editor, closes_at=local(2026, 12, day).isoformat())
    later = _publish(
        client,
        editor,
        opens_at=local(2026, 11, 30, 9).isoformat(),
        closes_at=local(2026, 12, 21).isoformat(),
    )

    first = client.get("/api/v1/consultations", params={"per_page": 2})
    assert first.status_code == 200, first.text
    assert first.headers["X-Total-Count"] == "4" and len(first.json()) == 2
    assert first.json()[0]["id"] == later  # latest closing first
    assert 'rel="next"' in first.headers["Link"] and "page=2" in first.headers["Link"]
    second = client.get("/api/v1/consultations", params={"per_page": 2, "page": 2})
    assert len(second.json()) == 2 and 'rel="next"' not in second.headers["Link"]

    upcoming = client.get("/api/v1/consultations", params={"state": "upcoming"}).json()
    assert [c["id"] for c in upcoming] == [later]
    assert len(client.get("/api/v1/consultations", params={"state": "open"}).json()) == 3
    assert client.get("/api/v1/consultations", params={"state": "closed"}).json() == []
    # closing at 00:00 of the 8th is closing on the 7th (24:00)
    on_the_7th = client.get(
        "/api/v1/consultations", params={"closes_from": "2026-12-07", "closes_to": "2026-12-07"}
    )
    assert on_the_7th.headers["X-Total-Count"] == "1"
    assert on_the_7th.json()[0]["closes_at"] == "2026-12-08T00:00:00+08:00"
    assert client.get("/api/v1/consultations", params={"per_page": 501}).status_code == 422
    assert client.get("/api/v1/consultations", params={"state": "soon"}).status_code == 422
