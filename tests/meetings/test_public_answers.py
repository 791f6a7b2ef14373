"""Answers representatives agreed to make public (issue #17 item 3): the consent is recorded
with the opinion (by the representative, or by staff on their word, audited); the meeting page
links a page of those answers, masked and without names; the others stay private."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from publisher.staff.models import AuditEvent
from tests.meetings.test_applications import application, open_notice

STAFF = "/api/v1/staff/meetings"


def _answer(client: TestClient, staff: Any, mid: int, oid: int, answer: str) -> None:
    editor = staff.headers("editor")
    client.post(
        f"{STAFF}/{mid}/opinions/{oid}/assign",
        json={"department": "市住房和城乡建设局", "note": ""},
        headers=editor,
    )
    done = client.post(
        f"{STAFF}/{mid}/opinions/{oid}/answer", json={"answer": answer}, headers=editor
    )
    assert done.status_code == 200, done.text


def test_only_consented_answers_are_public_masked_and_without_names(
    client: TestClient, staff: Any, session_factory: sessionmaker[Session]
) -> None:
    mid = open_notice(client, staff)
    sent = client.post(
        f"/api/v1/meetings/{mid}/applications", json=application(applicant_name="李代表")
    )
    receipt = sent.json()["receipt_code"]
    app_id = client.get(f"{STAFF}/{mid}/applications", headers=staff.headers("reviewer")).json()[0][
        "id"
    ]
    client.post(
        f"{STAFF}/{mid}/applications/{app_id}/decision",
        json={"approve": True},
        headers=staff.headers("reviewer"),
    )
    consented = client.post(
        f"/api/v1/applications/{receipt}/opinions",
        json={"body": "建议加装电梯补贴，我的电话13912345678。", "publish_answer": True},
    )
    assert consented.status_code == 201, consented.text
    private = client.post(
        f"/api/v1/applications/{receipt}/opinions", json={"body": "这条意见不公开答复。"}
    )
    assert private.status_code == 201
    on_their_word = client.post(
        f"{STAFF}/{mid}/opinions",
        json={"application_id": app_id, "body": "会上建议：公开改造进度。", "publish_answer": True},
        headers=staff.headers("editor"),
    )
    assert on_their_word.status_code == 201
    listed = client.get(f"{STAFF}/{mid}/opinions", headers=staff.headers("editor")).json()
    assert [o["publish_answer"] for o in listed] == [True, False, True]
    ids = [
        o["id"]
        for o in client.get(f"{STAFF}/{mid}/opinions", headers=staff.headers("editor")).json()
    ]
    page = client.get(f"/meetings/{mid}")
    assert f"/meetings/{mid}/answers" not in page.text  # nothing answered yet
    assert "暂无经代表同意公开的答复" in client.get(f"/meetings/{mid}/answers").text

    for oid in ids:
        _answer(client, staff, mid, oid, f"已办理（{oid}），联系人电话13800001111。")
    page = client.get(f"/meetings/{mid}")
    assert f'<a href="/meetings/{mid}/answers">经代表同意公开的意见答复（2条）</a>' in page.text
    answers = client.get(f"/meetings/{mid}/answers").text
    assert "建议加装电梯补贴" in answers and "会上建议：公开改造进度。" in answers
    assert "这条意见不公开答复" not in answers
    assert ("（市住房和城乡建设局）" in answers and "市民代表" in answers) or "代表" in answers
    for secret in ("李代表", "13912345678", "13800001111", receipt):
        assert secret not in answers
    with session_factory() as session:
        events = session.scalars(
            select(AuditEvent.details).where(AuditEvent.action == "meeting.opinion.record")
        ).all()
        assert any('"publish_answer": true' in e for e in events)

    form_page = client.post("/applications/status", data={"receipt_code": receipt}).text
    assert 'name="publish_answer"' in form_page  # the representative's own form asks
