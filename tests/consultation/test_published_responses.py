"""Comments published in full on the public page (by article), in their own paged list and the
API, with version and article in the open data; withdrawn by staff with a reason (issue #16)."""

from __future__ import annotations

import csv
import io

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from consultation.models import CommentPublication, CommentRedaction
from consultation.open_data import ADOPTION_SUMMARIES, PUBLISHED_COMMENTS
from publisher.staff.models import AuditEvent
from tests.support.bodies import comment_body, open_consultation
from tests.support.clock import Clock
from tests.support.staff import StaffFixture, sign_in

TEXT = "第二条的适用范围应包括县城。我住幸福路8号，电话13912345678。"
STAFF_API = "/api/v1/staff/consultations"


def _counts(factory: sessionmaker[Session]) -> tuple[int, ...]:
    with factory() as session:
        return tuple(
            session.scalar(select(func.count()).select_from(m)) or 0
            for m in (CommentPublication, CommentRedaction, AuditEvent)
        )


def _published_on_article_two(client: TestClient, staff: StaffFixture) -> tuple[int, int, str]:
    """A draft, a consenting comment on its 第二条, answered and published by a reviewer."""
    draft_id = open_consultation(client, staff.headers("editor"))
    sent = client.post(
        f"/api/v1/consultations/{draft_id}/comments",
        json=comment_body(text=TEXT, article="a2", consent_publish=True),
    )
    assert sent.status_code == 201, sent.text
    [comment] = client.get(
        f"{STAFF_API}/{draft_id}/comments", headers=staff.headers("editor")
    ).json()
    answered = client.post(
        f"{STAFF_API}/{draft_id}/answers",
        json={"comment_ids": [comment["id"]], "disposition": "adopted", "reason": "采纳，已修改。"},
        headers=staff.headers("editor"),
    )
    assert answered.status_code == 200, answered.text
    csrf = sign_in(client, "reviewer")
    review = f"/staff/consultations/{draft_id}/comments/{comment['id']}/publication"
    removal = {"csrf_token": csrf, "passage_1": "幸福路8号", "reason_1": "个人隐私"}
    assert client.post(review, data=removal, follow_redirects=False).status_code == 303
    return draft_id, int(comment["id"]), csrf


def test_a_published_comment_shows_under_its_article_in_its_list_and_the_api(
    client: TestClient, staff: StaffFixture
) -> None:
    draft_id, _, _ = _published_on_article_two(client, staff)
    public_text = "第二条的适用范围应包括县城。我住［已删除：个人隐私］，电话139******78。"

    page = client.get(f"/consultations/{draft_id}").text
    article_two = page[page.index('id="a2"') :]
    article_two = article_two[: article_two.index("</details>")]
    assert "公开的意见全文（1条）" in article_two and public_text in article_two
    assert "处理结果：采纳。采纳，已修改。" in article_two
    first = page[page.index('id="a1"') : page.index('id="a2"')]
    assert "公开的意见全文" not in first  # only under the article it concerns
    assert f'href="/consultations/{draft_id}/responses"' in page and "（1条）" in page

    listing = client.get(f"/consultations/{draft_id}/responses")
    assert listing.status_code == 200
    assert "（第1稿·第二条）" in listing.text and public_text in listing.text
    assert client.get(f"/consultations/{draft_id}/responses?page=2").status_code == 404

    api = client.get(f"/api/v1/consultations/{draft_id}/responses")
    assert api.status_code == 200 and api.headers["X-Total-Count"] == "1"
    [response] = api.json()
    assert (response["version"], response["article_key"], response["article_zh"]) == (
        1,
        "a2",
        "第二条",
    )
    assert response["text"] == public_text and response["disposition_zh"] == "采纳"
    for secret in ("幸福路", "13912345678", "张三"):
        assert secret not in page and secret not in listing.text and secret not in api.text

    [row] = list(
        csv.DictReader(io.StringIO(client.get(f"/datasets/{PUBLISHED_COMMENTS}.csv").text))
    )
    assert (row["version"], row["article"]) == ("1", "第二条")


def test_withdrawing_a_publication_takes_it_off_everything_and_is_audited(
    client: TestClient, staff: StaffFixture, session_factory: sessionmaker[Session]
) -> None:
    draft_id, comment_id, csrf = _published_on_article_two(client, staff)
    withdraw = f"/staff/consultations/{draft_id}/comments/{comment_id}/unpublish"
    before = _counts(session_factory)
    no_reason = client.post(withdraw, data={"csrf_token": csrf, "reason": " ", "confirm": "1"})
    assert no_reason.status_code == 422 and "请说明撤回公开的理由" in no_reason.text
    unconfirmed = client.post(withdraw, data={"csrf_token": csrf, "reason": "提出人要求撤回"})
    assert unconfirmed.status_code == 422 and "请先勾选确认框" in unconfirmed.text
    assert 'value="提出人要求撤回"' in unconfirmed.text  # what was typed is kept
    assert _counts(session_factory) == before  # a refusal writes nothing

    done = client.post(
        withdraw,
        data={"csrf_token": csrf, "reason": "提出人要求撤回", "confirm": "1"},
        follow_redirects=False,
    )
    assert done.status_code == 303 and done.headers["location"].endswith("?withdrawn=1")
    assert "公开的意见全文" not in client.get(f"/consultations/{draft_id}").text
    assert client.get(f"/api/v1/consultations/{draft_id}/responses").json() == []
    assert "县城" not in client.get(f"/datasets/{PUBLISHED_COMMENTS}.csv").text
    with session_factory() as session:
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "consultation.comment.unpublish")
        ).one()
        assert "提出人要求撤回" in event.details
        assert session.scalar(select(func.count()).select_from(CommentRedaction)) == 0
    again = client.post(withdraw, data={"csrf_token": csrf, "reason": "再次", "confirm": "1"})
    assert again.status_code == 409 and "该意见未公开全文" in again.text

    # it may be reviewed and published again
    review = f"/staff/consultations/{draft_id}/comments/{comment_id}/publication"
    assert client.post(review, data={"csrf_token": csrf}, follow_redirects=False).status_code == 303
    assert len(client.get(f"/api/v1/consultations/{draft_id}/responses").json()) == 1


def test_a_comment_hidden_after_publication_leaves_the_public_record(
    client: TestClient, staff: StaffFixture
) -> None:
    draft_id, comment_id, csrf = _published_on_article_two(client, staff)
    hide = f"/staff/consultations/{draft_id}/comments/{comment_id}/hide"
    client.post(hide, data={"csrf_token": csrf, "reason": "重复", "hidden": "1"})
    assert client.get(f"/api/v1/consultations/{draft_id}/responses").json() == []
    assert "县城" not in client.get(f"/datasets/{PUBLISHED_COMMENTS}.csv").text
    assert "公开的意见全文" not in client.get(f"/consultations/{draft_id}").text


def test_summary_rows_name_the_version_and_article(
    client: TestClient, staff: StaffFixture, clock: Clock
) -> None:
    draft_id, _, _ = _published_on_article_two(client, staff)
    clock.set(2026, 12, 8, 9, 0)  # the window closed on the 6th at 24:00
    summary = client.post(
        f"{STAFF_API}/{draft_id}/summary",
        json={"outcome_text": "经研究，市政府决定修改后印发。"},
        headers=staff.headers("reviewer"),
    )
    assert summary.status_code == 200, summary.text
    text = client.get(f"/datasets/{ADOPTION_SUMMARIES}.csv").text
    [row] = list(csv.DictReader(io.StringIO(text)))
    assert (row["version"], row["article"]) == ("1", "第二条")


def test_the_staff_csv_names_each_comments_version_article_and_quote(
    client: TestClient, staff: StaffFixture
) -> None:
    draft_id = open_consultation(client, staff.headers("editor"))
    for overrides in ({"article": "a2", "quote": "适用于市区"}, {"article": ""}):
        sent = client.post(
            f"/api/v1/consultations/{draft_id}/comments", json=comment_body(**overrides)
        )
        assert sent.status_code == 201, sent.text
    text = client.get(
        f"{STAFF_API}/{draft_id}/comments.csv", headers=staff.headers("reviewer")
    ).content.decode("utf-8-sig")
    rows = sorted(csv.DictReader(io.StringIO(text)), key=lambda r: int(r["编号"]))
    assert [(r["稿次"], r["针对的条文"], r["引用原文"]) for r in rows] == [
        ("1", "第二条", "适用于市区"),
        ("1", "草案整体", ""),
    ]
