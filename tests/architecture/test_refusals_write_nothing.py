"""A refusal writes nothing (issue #12): every write path, refused for a reason only the use
case can see (not a malformed body), leaves every table exactly as it was.

The database is compared row by row before and after (tests/support/snapshot.py); only
bookkeeping that counts attempts (rate limits, a token's last use) may move.
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.support.bodies import comment_body, draft_body, notice_body
from tests.support.clock import local
from tests.support.snapshot import database_rows
from tests.support.staff import StaffFixture

NOW = local(2026, 11, 23, 9, 0)  # the architecture tests' clock
WRONG_PHONE = "12345"


def _world(client: TestClient, staff: StaffFixture) -> dict[str, Any]:
    """One published meeting with an application and an opinion; one open consultation with a
    comment; returns their ids and the receipt code."""
    editor = staff.headers("editor")
    meeting = client.post(
        "/api/v1/staff/meetings", json=notice_body(publication_at=NOW.isoformat()), headers=editor
    ).json()
    applied = client.post(
        f"/api/v1/meetings/{meeting['id']}/applications",
        json={"applicant_name": "张三", "phone": "13800138000", "category": "citizen"},
    )
    assert applied.status_code == 201, applied.text
    code = applied.json()["receipt_code"]
    applications = client.get(
        f"/api/v1/staff/meetings/{meeting['id']}/applications", headers=staff.headers("reviewer")
    ).json()
    decided = client.post(
        f"/api/v1/staff/meetings/{meeting['id']}/applications/{applications[0]['id']}/decision",
        json={"approve": True},
        headers=staff.headers("reviewer"),
    )
    assert decided.status_code == 200, decided.text
    opinion = client.post(
        f"/api/v1/staff/meetings/{meeting['id']}/opinions",
        json={"application_id": applications[0]["id"], "body": "建议增加停车位"},
        headers=editor,
    )
    assert opinion.status_code == 201, opinion.text
    draft = client.post("/api/v1/staff/consultations", json=draft_body(), headers=editor).json()
    comment = client.post(f"/api/v1/consultations/{draft['id']}/comments", json=comment_body())
    assert comment.status_code == 201, comment.text
    comments = client.get(
        f"/api/v1/staff/consultations/{draft['id']}/comments", headers=editor
    ).json()
    waiting = client.get("/api/v1/staff/outbox", headers=editor).json()
    assert waiting, "the application, the decision and the comment each queued messages"
    return {
        "X": waiting[0]["id"],
        "M": meeting["id"],
        "A": applications[0]["id"],
        "O": opinion.json()["id"],
        "D": draft["id"],
        "C": comments[0]["id"],
        "code": code,
    }


# (role, method, path, body, expected status, why)
REFUSALS: list[tuple[str | None, str, str, dict[str, Any], int, str]] = [
    (
        "editor",
        "POST",
        "/api/v1/staff/meetings",
        {"kind": "plenary", "title": " "},
        422,
        "no title",
    ),
    (
        "editor",
        "POST",
        "/api/v1/staff/meetings",
        notice_body(publication_at=local(2026, 11, 20, 9).isoformat()),
        422,
        "backdated",
    ),
    (
        "editor",
        "POST",
        "/api/v1/staff/meetings",
        notice_body(
            starts_at=local(2027, 1, 8, 9).isoformat(),
            ends_at=local(2027, 1, 8, 11).isoformat(),
            application_deadline=None,
            publication_at=NOW.isoformat(),
        ),
        422,
        "year not loaded",
    ),
    (
        "editor",
        "PATCH",
        "/api/v1/staff/meetings/{M}",
        {
            "starts_at": local(2026, 11, 24, 9).isoformat(),
            "ends_at": local(2026, 11, 24, 11).isoformat(),
            "application_deadline": None,
        },
        422,
        "moved too early for its publication",
    ),
    ("editor", "PATCH", "/api/v1/staff/meetings/{M}", {"withheld": True}, 409, "vanish"),
    ("editor", "POST", "/api/v1/staff/meetings/{M}/publish", {}, 409, "already public"),
    ("editor", "POST", "/api/v1/staff/meetings/{M}/cancel", {"reason": " "}, 422, "no reason"),
    ("editor", "POST", "/api/v1/staff/outbox/{X}/retry", {}, 409, "not failed: still queued"),
    ("editor", "POST", "/api/v1/staff/outbox/99999/retry", {}, 404, "no such message"),
    ("editor", "POST", "/api/v1/staff/meetings/{M}/withdraw", {"reason": " "}, 422, "no reason"),
    (
        "reviewer",
        "POST",
        "/api/v1/staff/meetings/999/applications/{A}/decision",
        {"approve": True},
        404,
        "another meeting's application",
    ),
    (
        "editor",
        "POST",
        "/api/v1/staff/meetings/999/opinions",
        {"application_id": 1, "body": "意见"},
        404,
        "no such meeting",
    ),
    (
        "editor",
        "POST",
        "/api/v1/staff/meetings/999/opinions/{O}/assign",
        {"department": "市交通局"},
        404,
        "another meeting's opinion",
    ),
    (
        "editor",
        "POST",
        "/api/v1/staff/meetings/999/opinions/{O}/answer",
        {"answer": "答复"},
        404,
        "another meeting's opinion",
    ),
    (
        None,
        "POST",
        "/api/v1/meetings/{M}/applications",
        {"applicant_name": "李四", "phone": WRONG_PHONE, "category": "citizen"},
        422,
        "invalid phone",
    ),
    (None, "POST", "/api/v1/applications/{code}/opinions", {"body": " "}, 422, "empty opinion"),
    (
        "editor",
        "POST",
        "/api/v1/staff/consultations",
        draft_body(closes_at=local(2026, 11, 25).isoformat()),
        422,
        "window too short",
    ),
    ("editor", "POST", "/api/v1/staff/consultations/{D}/publish", {}, 409, "already public"),
    (
        "editor",
        "POST",
        "/api/v1/staff/consultations/{D}/extend",
        {"closes_at": local(2026, 12, 1).isoformat(), "reason": "延长"},
        422,
        "shortening",
    ),
    (
        "editor",
        "POST",
        "/api/v1/staff/consultations/{D}/comments",
        {"channel": "letter", "text": "来信意见", "phone": WRONG_PHONE},
        422,
        "invalid phone",
    ),
    (
        "editor",
        "POST",
        "/api/v1/staff/consultations/{D}/answers",
        {"comment_ids": [999], "disposition": "adopted", "reason": "采纳"},
        404,
        "unknown comment",
    ),
    (
        "reviewer",
        "POST",
        "/api/v1/staff/consultations/999/comments/{C}/hide",
        {"reason": "广告"},
        404,
        "another draft's comment",
    ),
    (
        "reviewer",
        "POST",
        "/api/v1/staff/consultations/{D}/summary",
        {"outcome_text": "采纳情况"},
        409,
        "window still open",
    ),
    (
        None,
        "POST",
        "/api/v1/consultations/{D}/comments",
        comment_body(phone=WRONG_PHONE),
        422,
        "invalid phone",
    ),
]


@pytest.mark.parametrize(
    ("role", "method", "path", "body", "status", "why"),
    REFUSALS,
    ids=[f"{m} {p} ({why})" for _, m, p, _, _, why in REFUSALS],
)
def test_a_refused_write_leaves_every_table_as_it_was(
    client: TestClient,
    staff: StaffFixture,
    role: str | None,
    method: str,
    path: str,
    body: dict[str, Any],
    status: int,
    why: str,
) -> None:
    world = _world(client, staff)
    engine = client.app.state.engine  # type: ignore[attr-defined]
    before = database_rows(engine)
    headers = staff.headers(role) if role else {}
    response = client.request(method, path.format(**world), json=body, headers=headers)
    assert response.status_code == status, f"{why}: {response.text}"
    error = response.json()["error"]
    assert error["message"] and error["message_zh"]
    assert database_rows(engine) == before, why


@pytest.mark.parametrize(
    ("draft", "data", "status", "why"),
    [
        ("999", b"%PDF-1.4\n%%EOF\n", 404, "no such draft: no bytes stored either"),
        ("{D}", b"MZ\x90\x00 an executable", 422, "not a PDF or DOCX"),
    ],
)
def test_a_refused_upload_stores_no_row_and_no_bytes(
    client: TestClient, staff: StaffFixture, draft: str, data: bytes, status: int, why: str
) -> None:
    """Attachments write to the blob store (the database on PostgreSQL) before their row."""
    world = _world(client, staff)
    engine = client.app.state.engine  # type: ignore[attr-defined]
    before = database_rows(engine)
    response = client.post(
        f"/api/v1/staff/consultations/{draft.format(**world)}/attachments",
        data={"title": "决策依据"},
        files={"file": ("依据.pdf", data, "application/octet-stream")},
        headers=staff.headers("editor"),
    )
    assert response.status_code == status, f"{why}: {response.text}"
    assert database_rows(engine) == before, why
