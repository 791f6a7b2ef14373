"""The audit log records staff actions with actor and address; admins read it; nobody edits it."""

from __future__ import annotations

import ast
import csv
import io
import json
import re

from fastapi.testclient import TestClient

from publisher.settings import PROJECT_ROOT
from publisher.wiring import audit_action_labels
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
    assert any(
        r["action"] == "staff.create" and r["action_zh"] == "新建账号" and "clerk2" in r["details"]
        for r in rows
    )
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


def _login_csrf(client: TestClient) -> str:
    match = re.search(r'name="login_csrf" value="([^"]+)"', client.get("/staff/login").text)
    assert match
    return match.group(1)


def test_failed_sign_ins_are_recorded_without_the_names_that_are_no_account(
    app_client: TestClient, staff: StaffFixture
) -> None:
    """An admin sees guessing on the audit page; a typed name that is no account (often a
    password in the wrong box) is not kept."""
    for username in ("editor", "Hunter2-secret"):
        refused = app_client.post(
            "/staff/login",
            data={
                "username": username,
                "password": "x" * 12,
                "login_csrf": _login_csrf(app_client),
            },
        )
        assert refused.status_code == 401
    events = app_client.get("/api/v1/staff/audit", headers=staff.headers("admin")).json()
    failed = [e for e in events if e["action"] == "staff.sign_in_failed"]
    assert [e["actor"] for e in failed] == ["（不存在的账号）", "editor"]
    assert all(e["action_zh"] == "登录失败" and e["ip_address"] == "testclient" for e in failed)
    assert "hunter2" not in json.dumps(events).lower()
    sign_in(app_client, "admin")
    audit_page = app_client.get("/staff/audit").text
    assert "登录失败" in audit_page and "网页" in audit_page


def test_every_audited_action_has_a_chinese_name() -> None:
    """Each action a use case writes to the log (a literal, either branch of a conditional, or
    the fixed start of an f-string) is named in Chinese by the platform or its feature."""
    labels = audit_action_labels()
    unnamed: list[str] = []
    for root in (PROJECT_ROOT / "publisher", PROJECT_ROOT / "consultation"):
        for path in root.rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "record"
                    and isinstance(node.func.value, ast.Name)
                    and node.func.value.id == "audit"
                    and len(node.args) > 2
                ):
                    continue
                action = node.args[2]
                branches = (
                    [action.body, action.orelse] if isinstance(action, ast.IfExp) else [action]
                )
                for branch in branches:
                    if isinstance(branch, ast.Constant) and branch.value not in labels:
                        unnamed.append(f"{path.name}: {branch.value!r}")
                    elif isinstance(branch, ast.JoinedStr):
                        head = branch.values[0]
                        prefix = head.value if isinstance(head, ast.Constant) else ""
                        if not prefix or not any(k.startswith(str(prefix)) for k in labels):
                            unnamed.append(f"{path.name}: {ast.unparse(branch)}")
                    elif not isinstance(branch, (ast.Constant, ast.JoinedStr)):
                        unnamed.append(f"{path.name}:{node.lineno}: {ast.unparse(branch)}")
    assert unnamed == []
    assert audit_action_labels()["consultation.answer"] == "答复意见"
