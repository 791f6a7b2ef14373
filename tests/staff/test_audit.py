"""The audit log records staff actions with actor and address; admins read it; nobody edits it."""

from __future__ import annotations

import csv
import io
import json

from fastapi.testclient import TestClient

from tests.support.staff import StaffFixture, sign_in


def test_staff_actions_are_recorded_with_actor_and_address(
    app_client: TestClient, staff: StaffFixture
) -> None:
    created = app_client.post(
        "/api/v1/staff/accounts",
        json={"username": "clerk", "role": "editor"},
        headers=staff.headers("admin"),
    )
    assert created.status_code == 201
    events = app_client.get("/api/v1/staff/audit", headers=staff.headers("admin")).json()
    entry = next(e for e in events if e["action"] == "staff.create" and "clerk" in e["details"])
    assert entry["actor"] == "admin"
    assert entry["via"] == "token"
    assert entry["ip_address"] == "testclient"
    assert json.loads(entry["details"])["role"] == "editor"


def test_sign_in_and_out_are_recorded(app_client: TestClient, staff: StaffFixture) -> None:
    csrf = sign_in(app_client, "editor")
    app_client.post("/staff/logout", data={"csrf_token": csrf})
    actions = [
        e["action"]
        for e in app_client.get("/api/v1/staff/audit", headers=staff.headers("admin")).json()
    ]
    assert actions[:2] == ["staff.sign_out", "staff.sign_in"]


def test_audit_csv_for_admins(app_client: TestClient, staff: StaffFixture) -> None:
    app_client.post(
        "/api/v1/staff/accounts",
        json={"username": "clerk2", "role": "reviewer"},
        headers=staff.headers("admin"),
    )
    response = app_client.get("/api/v1/staff/audit.csv", headers=staff.headers("admin"))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    # a byte-order mark like the other staff exports: Excel then reads the Chinese right
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert any(r["action"] == "staff.create" and "clerk2" in r["details"] for r in rows)
    assert rows[0]["occurred_at_local"].endswith("+08:00")
    assert (
        app_client.get("/api/v1/staff/audit.csv", headers=staff.headers("reviewer")).status_code
        == 403
    )


def test_audit_page_lists_events(app_client: TestClient, staff: StaffFixture) -> None:
    sign_in(app_client, "admin")
    page = app_client.get("/staff/audit")
    assert page.status_code == 200
    assert "staff.sign_in" in page.text


def test_no_route_can_change_the_log() -> None:
    from publisher.web.app import iter_api_routes

    audit_routes = [r for r in iter_api_routes() if "audit" in r.path]
    assert len(audit_routes) == 4
    for route in audit_routes:
        assert (route.methods or set()) <= {"GET", "HEAD"}, route.path
