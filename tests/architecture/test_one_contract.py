"""What every feature promises the same way: operation ids, instants, contact details."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

import pytest
from fastapi.testclient import TestClient

from publisher.contact import normalise_phone
from publisher.errors import ValidationFailed
from publisher.privacy import mask_personal_text
from tests.support.bodies import comment_body, draft_body, notice_body
from tests.support.staff import StaffFixture

LOCAL_OFFSET = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?\+08:00$")
INSTANT_KEYS = re.compile(r"(_at|_deadline|^earliest_close|^latest_publication)$")


def test_operation_ids_are_unique_and_named_after_their_endpoints(
    app_client: TestClient,
) -> None:
    document = app_client.get("/api/openapi.json").json()
    ids = [
        operation["operationId"]
        for path in document["paths"].values()
        for operation in path.values()
        if isinstance(operation, dict) and "operationId" in operation
    ]
    duplicated = sorted(i for i, n in Counter(ids).items() if n > 1)
    assert duplicated == []
    assert "meetings_feed_rss_get" in ids and "meetings_feed_rss_head" in ids
    assert all(re.fullmatch(r"[a-z][a-z0-9_]*", i) for i in ids), ids


def _instants(payload: Any, key: str = "") -> list[tuple[str, str]]:
    """Every (key, value) of an instant field anywhere in a JSON document."""
    if isinstance(payload, dict):
        return [pair for k, v in payload.items() for pair in _instants(v, k)]
    if isinstance(payload, list):
        return [pair for item in payload for pair in _instants(item, key)]
    if isinstance(payload, str) and INSTANT_KEYS.search(key) and payload:
        return [(key, payload)]
    return []


def test_every_api_instant_is_beijing_time_with_its_offset(
    client: TestClient, staff: StaffFixture
) -> None:
    """Meetings answered `+08:00` on POST and `Z` on GET; now every method of every feature
    answers in one form."""
    editor = staff.headers("editor")
    created = client.post("/api/v1/staff/meetings", json=notice_body(), headers=editor)
    assert created.status_code == 201, created.text
    meeting_id = created.json()["id"]
    published = client.post(
        f"/api/v1/staff/meetings/{meeting_id}/publish",
        json={"publication_at": "2026-11-23T01:00:00Z"},
        headers=editor,
    )
    draft = client.post("/api/v1/staff/consultations", json=draft_body(), headers=editor)
    draft_id = draft.json()["id"]
    comment = client.post(f"/api/v1/consultations/{draft_id}/comments", json=comment_body())
    responses = [
        created,
        published,
        client.get(f"/api/v1/staff/meetings/{meeting_id}", headers=editor),
        client.get("/api/v1/staff/meetings", headers=editor),
        client.get("/api/v1/meetings"),
        client.get(f"/api/v1/meetings/{meeting_id}"),
        draft,
        client.get(f"/api/v1/staff/consultations/{draft_id}", headers=editor),
        client.get("/api/v1/consultations"),
        client.get(f"/api/v1/consultations/{draft_id}"),
        comment,
        client.get(f"/api/v1/comments/{comment.json()['receipt_code']}"),
        client.get(f"/api/v1/staff/consultations/{draft_id}/comments", headers=editor),
    ]
    seen = 0
    for response in responses:
        assert response.status_code in (200, 201), response.text
        for key, value in _instants(response.json()):
            seen += 1
            assert LOCAL_OFFSET.match(value), f"{response.request.url} {key}={value}"
    assert seen > 30
    assert published.json()["published_at"] == "2026-11-23T09:00:00+08:00"


@pytest.mark.parametrize("phone", ["123456", "+1 555 0100", "0398", "12345678901"])
def test_both_intakes_refuse_the_same_invalid_phone(
    client: TestClient, staff: StaffFixture, phone: str
) -> None:
    editor = staff.headers("editor")
    meeting = client.post(
        "/api/v1/staff/meetings",
        json=notice_body(publication_at="2026-11-23T09:00:00+08:00"),
        headers=editor,
    ).json()
    draft_id = client.post("/api/v1/staff/consultations", json=draft_body(), headers=editor).json()[
        "id"
    ]
    application = client.post(
        f"/api/v1/meetings/{meeting['id']}/applications",
        json={"applicant_name": "李四", "phone": phone, "category": "citizen"},
    )
    comment = client.post(
        f"/api/v1/consultations/{draft_id}/comments", json=comment_body(phone=phone)
    )
    for response in (application, comment):
        assert response.status_code == 422, response.text
        assert "电话号码格式不正确" in response.json()["error"]["message_zh"]
    queue = client.get(f"/api/v1/staff/consultations/{draft_id}/comments", headers=editor)
    assert queue.json() == []  # the refusal wrote nothing


@pytest.mark.parametrize(
    "typed",
    [
        "13912345678",
        "139 1234 5678",
        "139-1234-5678",
        "+86 139 1234 5678",
        "0086 13912345678",
        "0398-2812345",
        "（0398）2812345",
        "03982812345",
    ],
)
def test_what_an_intake_accepts_as_a_phone_the_masker_hides(typed: str) -> None:
    digits = normalise_phone(typed)
    masked = mask_personal_text(f"请打电话{typed}联系我")
    assert digits not in re.sub(r"\D", "", masked)
    assert "*" in masked


def test_the_contact_rule_normalises_once() -> None:
    assert normalise_phone("+86 139-1234-5678") == "13912345678"
    assert normalise_phone("(0398) 281 2345") == "03982812345"
    with pytest.raises(ValidationFailed):
        normalise_phone("123456")
