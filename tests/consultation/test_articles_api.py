"""A draft as articles, its versions and diff, through the API, on SQLite and PostgreSQL: the
done-when scenario of issue #16 (30 articles, 200 comments on 12, a revision changing 3)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from consultation.models import Comment
from publisher.settings import Settings
from publisher.web.app import create_app
from tests.support import articles_world
from tests.support.bodies import comment_body, open_consultation
from tests.support.clock import Clock, local
from tests.support.mail import Mailbox, text_of
from tests.support.outbox import deliver
from tests.support.staff import StaffFixture

STAFF = "/api/v1/staff/consultations"


def _scenario(
    client: TestClient, staff: StaffFixture, sf: sessionmaker[Session], clock: Clock
) -> int:
    return articles_world.build(client, sf, staff.headers("editor"), clock()).draft_id


def test_articles_counts_versions_and_diff(
    client: TestClient, staff: StaffFixture, session_factory: sessionmaker[Session], clock: Clock
) -> None:
    draft_id = _scenario(client, staff, session_factory, clock)
    base = f"/api/v1/consultations/{draft_id}"

    listed = client.get(f"{base}/articles?version=1&per_page=100")
    assert listed.status_code == 200
    assert listed.headers["X-Total-Count"] == "30"
    articles = listed.json()
    assert [a["label"] for a in articles[:3]] == ["第一条", "第二条", "第三条"]
    assert articles[0]["chapter"] == "第一章 总则"
    assert articles[20]["chapter"] == "第三章 法律责任"
    counts = {a["key"]: a["comment_count"] for a in articles if a["comment_count"]}
    assert counts == {f"a{n}": c for n, c in articles_world.COMMENTED.items()}
    assert sum(counts.values()) == 200
    art3 = articles[2]
    assert [p["kind"] for p in art3["paragraphs"]] == ["clause", "item", "item"]
    assert art3["paragraphs"][1]["label"] == "（一）"
    second_page = client.get(f"{base}/articles?version=1&per_page=10&page=2")
    assert second_page.json()[0]["key"] == "a11"

    # the latest version has no comments yet: comments stay on the version they were made on
    latest = client.get(f"{base}/articles?per_page=100").json()
    assert {a["version"] for a in latest} == {2}
    assert all(a["comment_count"] == 0 for a in latest)

    versions = client.get(f"{base}/versions").json()
    assert [v["number"] for v in versions] == [1, 2]
    assert versions[1]["reason"] == articles_world.REVISION_REASON
    assert versions[1]["label_zh"] == "第2稿"
    assert versions[1]["material"] is False

    diff = client.get(f"{base}/diff?from=1&to=2").json()
    assert diff["changed"] == 3
    changed = [a for a in diff["articles"] if a["status"] != "unchanged"]
    assert [a["key"] for a in changed] == [f"a{n}" for n in articles_world.CHANGED]
    art3_diff = changed[0]["segments"]
    assert {"op": "delete", "text": "三"} in art3_diff
    assert {"op": "insert", "text": "五"} in art3_diff
    assert client.get(f"{base}/diff?from=1&to=9").status_code == 404


def test_comment_on_an_article_with_a_quote(
    client: TestClient, staff: StaffFixture, session_factory: sessionmaker[Session]
) -> None:
    draft_id = open_consultation(client, staff.headers("editor"))
    url = f"/api/v1/consultations/{draft_id}/comments"
    ok = client.post(url, json=comment_body(section="", article="a2", quote="适用于市区"))
    assert ok.status_code == 201, ok.text
    whole = client.post(url, json=comment_body(text="整体赞成。", section=""))
    assert whole.status_code == 201
    wrong_quote = client.post(url, json=comment_body(article="a1", quote="适用于市区"))
    assert wrong_quote.status_code == 422
    assert "不在第一条中" in wrong_quote.json()["error"]["message_zh"]
    no_article = client.post(url, json=comment_body(article="a9"))
    assert no_article.status_code == 422
    with session_factory() as s:
        rows = s.scalars(select(Comment).order_by(Comment.id)).all()
        assert [(c.version_number, c.article_key, c.quote, c.section) for c in rows] == [
            (1, "a2", "适用于市区", "第二条"),
            (1, None, None, ""),
        ]
    queue = client.get(f"{STAFF}/{draft_id}/comments", headers=staff.headers("editor")).json()
    assert [(c["article_key"], c["quote"]) for c in queue] == [("a2", "适用于市区"), (None, None)]
    counts = client.get(f"/api/v1/consultations/{draft_id}/articles").json()
    assert [a["comment_count"] for a in counts] == [0, 1]


def test_material_revision_keeps_the_window_open_five_working_days(
    client: TestClient, staff: StaffFixture, clock: Clock
) -> None:
    editor = staff.headers("editor")
    draft_id = open_consultation(client, editor)  # 11-23 09:00 .. 12-07 00:00
    clock.set(2026, 12, 3, 10, 0)  # Thursday: 5 working days after end 12-10 -> close 12-11
    text = "第一条 为规范城区停车管理，制定本办法。\n第二条 本办法适用于市区和示范区。"
    body = {"text": text, "reason": "扩大适用范围。", "material": True}
    refused = client.post(f"{STAFF}/{draft_id}/versions", json=body, headers=editor)
    assert refused.status_code == 422
    error = refused.json()["error"]
    assert error["details"]["earliest_closes_at"] == local(2026, 12, 11).isoformat()
    assert "实质性修改" in error["message_zh"]
    versions = client.get(f"/api/v1/consultations/{draft_id}/versions").json()
    assert len(versions) == 1  # the refusal wrote nothing
    body["closes_at"] = local(2026, 12, 11).isoformat()
    ok = client.post(f"{STAFF}/{draft_id}/versions", json=body, headers=editor)
    assert ok.status_code == 201, ok.text
    public = client.get(f"/api/v1/consultations/{draft_id}").json()
    assert public["closes_at"] == local(2026, 12, 11).isoformat()
    assert "第2稿" in public["extensions"][-1]["reason"]
    # a non-material revision does not re-check the window
    minor = {"text": text + "\n第三条 本办法自发布之日起施行。", "reason": "补充施行日期。"}
    assert (
        client.post(f"{STAFF}/{draft_id}/versions", json=minor, headers=editor).status_code == 201
    )
    same = client.post(f"{STAFF}/{draft_id}/versions", json=minor, headers=editor)
    assert same.status_code == 422


def test_final_text_closes_the_loop(
    client: TestClient, staff: StaffFixture, session_factory: sessionmaker[Session], clock: Clock
) -> None:
    editor, reviewer = staff.headers("editor"), staff.headers("reviewer")
    draft_id = open_consultation(client, editor)
    url = f"/api/v1/consultations/{draft_id}/comments"
    client.post(url, json=comment_body(text="建议包括示范区，联系13912345678。", article="a2"))
    client.post(url, json=comment_body(text="不同意。", article="a2", consent_publish=False))
    final = {
        "text": "第一条 为规范城区停车管理，制定本办法。\n第二条 本办法适用于市区和示范区。",
        "reason": "采纳公众意见。",
    }
    early = client.post(f"{STAFF}/{draft_id}/final-text", json=final, headers=reviewer)
    assert early.status_code == 409
    assert client.get(f"/api/v1/consultations/{draft_id}/outcome").status_code == 404
    clock.set(2026, 12, 8, 9, 0)
    queue = client.get(f"{STAFF}/{draft_id}/comments", headers=editor).json()
    for c, disposition in zip(queue, ("adopted", "not_adopted"), strict=True):
        answer = {"comment_ids": [c["id"]], "disposition": disposition, "reason": "已研究。"}
        assert client.post(f"{STAFF}/{draft_id}/answers", json=answer, headers=editor).is_success
    summary = {"outcome_text": "办法已修改。"}
    assert client.post(f"{STAFF}/{draft_id}/summary", json=summary, headers=reviewer).is_success
    as_editor = client.post(f"{STAFF}/{draft_id}/final-text", json=final, headers=editor)
    assert as_editor.status_code == 403
    ok = client.post(f"{STAFF}/{draft_id}/final-text", json=final, headers=reviewer)
    assert ok.status_code == 201, ok.text
    assert ok.json()["final"] is True
    loop = client.get(f"/api/v1/consultations/{draft_id}/outcome").json()
    assert loop["comments_shown"] is True
    [article] = loop["articles"]
    assert article["key"] == "a2" and article["status"] == "changed"
    [led] = article["comments"]  # the adopted one; the one not adopted did not lead to it
    assert led["number"] == 1 and led["disposition"] == "adopted"
    assert "13912345678" not in led["excerpt"] and led["excerpt"].startswith("建议包括示范区")
    again = client.post(f"{STAFF}/{draft_id}/final-text", json=final, headers=reviewer)
    assert again.status_code == 409


@pytest.fixture
def mail_client(mail_settings: Settings, clock: Clock) -> Iterator[TestClient]:
    app = create_app(mail_settings)
    app.state.clock = clock
    with TestClient(app, base_url="http://testserver") as client:
        yield client
    app.state.engine.dispose()


def test_a_material_revision_that_extends_the_window_tells_the_commenters(
    mail_client: TestClient,
    mail_settings: Settings,
    mailbox: Mailbox,
    staff: StaffFixture,
    clock: Clock,
) -> None:
    client = mail_client
    editor = staff.headers("editor")
    draft_id = open_consultation(client, editor)
    address = "commenter@example.cn"
    body = comment_body(email=address, phone="", article="a2")
    assert client.post(f"/api/v1/consultations/{draft_id}/comments", json=body).is_success
    clock.set(2026, 12, 3, 10, 0)
    revision = {
        "text": "第一条 为规范城区停车管理，制定本办法。\n第二条 本办法适用于市区和示范区。",
        "reason": "扩大适用范围。",
        "material": True,
        "closes_at": local(2026, 12, 11).isoformat(),
    }
    assert client.post(f"{STAFF}/{draft_id}/versions", json=revision, headers=editor).is_success
    deliver(mail_settings)
    alert = mailbox.to(address)[-1]
    assert "征求意见期延长" in str(alert["Subject"])
    assert "发布第2稿（实质性修改），延长征求意见期" in text_of(alert)
