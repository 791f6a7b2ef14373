"""No CSV the service writes lets a cell start a formula (OWASP CSV injection).

Text typed by the public (a comment, its clause, an application's statement) and by staff (a
moderation reason) reaches the staff exports, the audit CSV and the public adoption-summary
dataset (also pushed to CKAN). Opened in a spreadsheet, `=HYPERLINK(…)` or `=cmd|' /C calc'!A0`
would run; each such cell must come out prefixed with an apostrophe.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from publisher.settings import Settings
from publisher.spreadsheets import neutralise_formula
from publisher.web.app import create_app
from tests.support.bodies import comment_body, draft_body, notice_body
from tests.support.clock import Clock, local
from tests.support.staff import StaffFixture

PAYLOADS = [
    "=cmd|' /C calc'!A0",
    '=HYPERLINK("http://evil.example","点击")',
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]
DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    app = create_app(settings)
    clock = Clock(local(2026, 11, 23, 9, 0))
    app.state.clock = clock
    with TestClient(app, base_url="http://testserver") as test_client:
        test_client.clock = clock  # type: ignore[attr-defined]
        yield test_client
    app.state.engine.dispose()


def _cells(body: bytes) -> list[str]:
    text = body.decode("utf-8-sig")
    return [cell for row in csv.reader(io.StringIO(text, newline="")) for cell in row]


def _assert_inert(cells: list[str], planted: list[str]) -> None:
    assert not [c for c in cells if c.startswith(DANGEROUS)]
    for payload in planted:
        assert "'" + payload.strip() in cells, payload  # kept (intake strips), made inert


@pytest.mark.parametrize("text", ["=1+1", "+86 139", "-", "@a", "\tx", "\ry"])
def test_a_cell_that_would_start_a_formula_gets_an_apostrophe(text: str) -> None:
    assert neutralise_formula(text) == "'" + text


@pytest.mark.parametrize("text", ["第一条", "1+1", "'=already", "a=b", ""])
def test_ordinary_text_is_left_alone(text: str) -> None:
    assert neutralise_formula(text) == text


def test_staff_exports_and_the_audit_log_are_inert(client: TestClient, staff: StaffFixture) -> None:
    editor, reviewer = staff.headers("editor"), staff.headers("reviewer")
    draft_id = client.post("/api/v1/staff/consultations", json=draft_body(), headers=editor).json()[
        "id"
    ]
    for i, payload in enumerate(PAYLOADS):
        response = client.post(
            f"/api/v1/consultations/{draft_id}/comments",
            json=comment_body(text=payload, section=payload, name=f"张{i}", consent_publish=True),
        )
        assert response.status_code == 201, response.text
    comments = client.get(
        f"/api/v1/staff/consultations/{draft_id}/comments.csv", headers=reviewer
    ).content
    _assert_inert(_cells(comments), PAYLOADS)

    meeting = client.post(
        "/api/v1/staff/meetings",
        json=notice_body(publication_at="2026-11-23T09:00:00+08:00"),
        headers=editor,
    ).json()
    applied = client.post(
        f"/api/v1/meetings/{meeting['id']}/applications",
        json={
            "applicant_name": "李四",
            "phone": "13912345678",
            "category": "citizen",
            "statement": PAYLOADS[1],
        },
    )
    assert applied.status_code == 201, applied.text
    applications = client.get(
        f"/api/v1/staff/meetings/{meeting['id']}/applications.csv", headers=reviewer
    ).content
    _assert_inert(_cells(applications), [PAYLOADS[1]])

    comment_id = client.get(
        f"/api/v1/staff/consultations/{draft_id}/comments", headers=editor
    ).json()[0]["id"]
    client.post(
        f"/api/v1/staff/consultations/{draft_id}/comments/{comment_id}/hide",
        json={"reason": "=1+1 重复"},
        headers=reviewer,
    )
    audit = client.get("/api/v1/staff/audit.csv", headers=staff.headers("admin")).content
    assert not [c for c in _cells(audit) if c.startswith(DANGEROUS)]


def test_the_public_adoption_summary_dataset_is_inert(
    client: TestClient, staff: StaffFixture
) -> None:
    editor, reviewer = staff.headers("editor"), staff.headers("reviewer")
    draft_id = client.post("/api/v1/staff/consultations", json=draft_body(), headers=editor).json()[
        "id"
    ]
    for payload in PAYLOADS[:3]:
        client.post(
            f"/api/v1/consultations/{draft_id}/comments",
            json=comment_body(text=payload, consent_publish=True),
        )
    ids = [
        c["id"]
        for c in client.get(
            f"/api/v1/staff/consultations/{draft_id}/comments", headers=editor
        ).json()
    ]
    client.post(
        f"/api/v1/staff/consultations/{draft_id}/answers",
        json={"comment_ids": ids, "disposition": "not_adopted", "reason": "-不予采纳"},
        headers=editor,
    )
    client.clock.set(2026, 12, 8, 9, 0)  # type: ignore[attr-defined]
    summary = client.post(
        f"/api/v1/staff/consultations/{draft_id}/summary",
        json={"outcome_text": "经研究，修改后印发。"},
        headers=reviewer,
    )
    assert summary.status_code == 200, summary.text
    public = client.get("/datasets/consultation-adoption-summaries.csv")
    assert public.status_code == 200
    _assert_inert(_cells(public.content), [*PAYLOADS[:3], "-不予采纳"])
