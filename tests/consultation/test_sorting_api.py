"""The staff API for tags, groups answered once, and publication in full (issue #16): what
the sorting pages do, for the office's own tools; refusals write nothing."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from consultation.models import CommentGroup, CommentPublication, CommentTag
from publisher.notifications.models import OutboxMessage
from publisher.staff.models import AuditEvent
from tests.support.bodies import comment_body, open_consultation
from tests.support.staff import StaffFixture

STAFF_API = "/api/v1/staff/consultations"


def _rows(factory: sessionmaker[Session]) -> tuple[int, ...]:
    with factory() as session:
        return tuple(
            session.scalar(select(func.count()).select_from(m)) or 0
            for m in (CommentTag, CommentGroup, CommentPublication, AuditEvent, OutboxMessage)
        )


def _comments(client: TestClient, staff: StaffFixture, texts: list[str]) -> tuple[int, list[int]]:
    draft_id = open_consultation(client, staff.headers("editor"))
    for n, text in enumerate(texts):
        body = comment_body(text=text, phone=f"1391234{n:04d}", email=f"c{n}@example.cn")
        sent = client.post(f"/api/v1/consultations/{draft_id}/comments", json=body)
        assert sent.status_code == 201, sent.text
    queue = client.get(f"{STAFF_API}/{draft_id}/comments", headers=staff.headers("editor")).json()
    return draft_id, sorted(c["id"] for c in queue)


def test_tags_through_the_api(
    client: TestClient, staff: StaffFixture, session_factory: sessionmaker[Session]
) -> None:
    draft_id, ids = _comments(client, staff, ["停车费太高", "停车位太少", "公交不便"])
    editor = staff.headers("editor")
    url = f"{STAFF_API}/{draft_id}/tags"
    added = client.post(url, json={"comment_ids": ids[:2], "tag": "停车"}, headers=editor)
    assert added.status_code == 200 and added.json() == {"changed": 2}
    again = client.post(url, json={"comment_ids": ids, "tag": "停车"}, headers=editor)
    assert again.json() == {"changed": 1}
    listed = client.get(url, headers=editor)
    assert listed.json() == [{"tag": "停车", "comments": 3}]
    assert listed.headers["X-Total-Count"] == "1"
    before = _rows(session_factory)
    elsewhere = client.post(
        url, json={"comment_ids": [ids[0], 999_999], "tag": "停车"}, headers=editor
    )
    assert elsewhere.status_code == 404 and "999999" in elsewhere.json()["error"]["message_zh"]
    assert _rows(session_factory) == before
    removed = client.post(
        f"{url}/remove", json={"comment_ids": [ids[2]], "tag": "停车"}, headers=editor
    )
    assert removed.json() == {"changed": 1}
    assert client.post(url, json={"comment_ids": ids, "tag": "x"}).status_code == 401


def test_a_group_answered_once_tells_each_commenter(
    client: TestClient, staff: StaffFixture, session_factory: sessionmaker[Session]
) -> None:
    letter = "强烈要求取消夜间停车收费，保障居民权益。"
    draft_id, ids = _comments(client, staff, [letter, letter, letter, "另一条意见"])
    editor = staff.headers("editor")
    made = client.post(
        f"{STAFF_API}/{draft_id}/groups",
        json={"comment_ids": ids[:3], "title": "夜间停车收费联名信"},
        headers=editor,
    )
    assert made.status_code == 201, made.text
    group = made.json()
    assert (group["size"], group["answered"], group["sample"]) == (3, 0, letter)
    assert [
        g["id"] for g in client.get(f"{STAFF_API}/{draft_id}/groups", headers=editor).json()
    ] == [group["id"]]
    before = _rows(session_factory)
    answered = client.post(
        f"{STAFF_API}/{draft_id}/groups/{group['id']}/answer",
        json={"disposition": "not_adopted", "reason": "夜间收费系为提高车位周转率。"},
        headers=editor,
    )
    assert answered.status_code == 200, answered.text
    assert answered.json()["answered"] == 3 and answered.json()["messages_queued"] >= 3
    assert _rows(session_factory)[4] - before[4] == answered.json()["messages_queued"]
    dissolved = client.post(f"{STAFF_API}/{draft_id}/groups/{group['id']}/dissolve", headers=editor)
    assert dissolved.status_code == 204
    assert client.get(f"{STAFF_API}/{draft_id}/groups", headers=editor).json() == []


def test_publication_and_its_withdrawal_through_the_api(
    client: TestClient, staff: StaffFixture, session_factory: sessionmaker[Session]
) -> None:
    draft_id, [consenting, other] = _comments(
        client, staff, ["建议增设停车位，我住幸福路8号。", "另一条意见"]
    )
    reviewer = staff.headers("reviewer")
    url = f"{STAFF_API}/{draft_id}/comments/{consenting}/publication"
    body = {"redactions": [{"passage": "幸福路8号", "reason": "个人隐私"}]}
    before = _rows(session_factory)
    unanswered = client.post(url, json=body, headers=reviewer)
    assert unanswered.status_code == 422 and "请先答复" in unanswered.json()["error"]["message_zh"]
    assert client.post(url, json=body, headers=staff.headers("editor")).status_code == 403
    assert _rows(session_factory) == before
    client.post(
        f"{STAFF_API}/{draft_id}/answers",
        json={"comment_ids": [consenting, other], "disposition": "adopted", "reason": "采纳。"},
        headers=staff.headers("editor"),
    )
    published = client.post(url, json=body, headers=reviewer)
    assert published.status_code == 201, published.text
    assert published.json()["public_text"] == "建议增设停车位，我住［已删除：个人隐私］。"
    assert client.post(url, json=body, headers=reviewer).status_code == 409
    public = client.get(f"/api/v1/consultations/{draft_id}/responses").json()
    assert [r["text"] for r in public] == ["建议增设停车位，我住［已删除：个人隐私］。"]

    withdraw = f"{STAFF_API}/{draft_id}/comments/{consenting}/unpublish"
    before = _rows(session_factory)
    blank = client.post(withdraw, json={"reason": "  "}, headers=reviewer)
    assert blank.status_code == 422 and _rows(session_factory) == before
    done = client.post(withdraw, json={"reason": "提出人要求撤回"}, headers=reviewer)
    assert done.status_code == 204
    assert client.get(f"/api/v1/consultations/{draft_id}/responses").json() == []
    assert client.post(withdraw, json={"reason": "再次"}, headers=reviewer).status_code == 409
