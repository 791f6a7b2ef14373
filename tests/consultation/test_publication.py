"""Comments published in full after review (issue #16 item 3): with consent, once answered,
personal data masked automatically and passages removed by staff with a stated reason; the
original kept for staff; the published responses as open data with a Table Schema."""

from __future__ import annotations

import csv
import io

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from consultation.models import Comment, CommentPublication, CommentRedaction
from consultation.open_data import PUBLISHED_COMMENTS
from publisher.staff.models import AuditEvent
from tests.support.bodies import comment_body, open_consultation
from tests.support.staff import StaffFixture, sign_in

TEXT = "建议夜间免费停车。我家住幸福路8号302室，电话13912345678，身份证411202199001011234。"


def _comment(client: TestClient, draft_id: int, **overrides: object) -> None:
    response = client.post(
        f"/api/v1/consultations/{draft_id}/comments", json=comment_body(text=TEXT, **overrides)
    )
    assert response.status_code == 201, response.text


def _ids(client: TestClient, staff: StaffFixture, draft_id: int) -> list[int]:
    queue = client.get(
        f"/api/v1/staff/consultations/{draft_id}/comments", headers=staff.headers("editor")
    ).json()
    return [c["id"] for c in queue]


def _counts(factory: sessionmaker[Session]) -> tuple[int, ...]:
    with factory() as session:
        return tuple(
            session.scalar(select(func.count()).select_from(m)) or 0
            for m in (CommentPublication, CommentRedaction, AuditEvent)
        )


def test_a_consenting_answered_comment_is_published_with_removals_and_as_open_data(
    client: TestClient, staff: StaffFixture, session_factory: sessionmaker[Session]
) -> None:
    draft_id = open_consultation(client, staff.headers("editor"))
    _comment(client, draft_id)
    _comment(client, draft_id, phone="13900001111", consent_publish=False)
    consenting, refusing = _ids(client, staff, draft_id)
    url = f"/staff/consultations/{draft_id}/comments/{consenting}/publication"

    editor_csrf = sign_in(client, "editor")
    assert client.get(url).status_code == 403  # a reviewer's decision
    client.post("/staff/logout", data={"csrf_token": editor_csrf})
    csrf = sign_in(client, "reviewer")
    review = client.get(url)
    assert review.status_code == 200
    assert "幸福路8号302室" in review.text  # the original, for staff
    assert "139******78" in review.text  # the automatic masking, previewed

    removal = {"csrf_token": csrf, "passage_1": "幸福路8号302室", "reason_1": "个人隐私"}
    before = _counts(session_factory)
    unanswered = client.post(url, data=removal)
    assert unanswered.status_code == 422 and "请先答复该意见" in unanswered.text
    assert 'value="个人隐私"' in unanswered.text  # what was typed is kept
    assert _counts(session_factory) == before
    client.post(
        f"/api/v1/staff/consultations/{draft_id}/answers",
        json={"comment_ids": [consenting, refusing], "disposition": "adopted", "reason": "采纳。"},
        headers=staff.headers("editor"),
    )
    before = _counts(session_factory)
    no_consent = client.post(
        f"/staff/consultations/{draft_id}/comments/{refusing}/publication", data=removal
    )
    assert no_consent.status_code == 422 and "提出人未同意公开" in no_consent.text
    elsewhere = client.post(url, data={**removal, "passage_1": "不在原文里的话"})
    assert elsewhere.status_code == 422 and "原文中没有" in elsewhere.text
    no_reason = client.post(url, data={**removal, "reason_1": " "})
    assert no_reason.status_code == 422 and "每处删除都须说明理由" in no_reason.text
    assert _counts(session_factory) == before

    done = client.post(url, data=removal, follow_redirects=False)
    assert done.status_code == 303
    expected = (
        "建议夜间免费停车。我家住［已删除：个人隐私］，电话139******78，身份证411************234。"
    )
    with session_factory() as session:
        publication = session.scalars(select(CommentPublication)).one()
        assert publication.public_text == expected
        comment = session.get(Comment, consenting)
        assert comment is not None and comment.body == TEXT  # the original is kept
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "consultation.comment.publish")
        ).one()
        assert "个人隐私" in event.details and "幸福路" not in event.details
    again = client.post(url, data=removal)
    assert again.status_code == 409 and "该意见已公开" in again.text

    data = client.get(f"/datasets/{PUBLISHED_COMMENTS}.csv")
    assert data.status_code == 200
    [row] = list(csv.DictReader(io.StringIO(data.text)))
    assert row["comment_text"] == expected
    assert (row["redactions"], row["disposition_zh"], row["answer"]) == (
        "个人隐私",
        "采纳",
        "采纳。",
    )
    assert row["channel"] == "数据接口" and row["consultation_id"] == str(draft_id)
    json_rows = client.get(f"/datasets/{PUBLISHED_COMMENTS}.json").text
    for secret in ("幸福路", "13912345678", "411202199001011234", "张三", "YJ-"):
        assert secret not in data.text and secret not in json_rows
    schema = client.get(f"/api/v1/datasets/{PUBLISHED_COMMENTS}").json()
    assert "comment_text" in str(schema)
