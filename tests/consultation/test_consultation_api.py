"""Decision pre-disclosure end to end through the API, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from consultation import comments
from consultation import summary as summaries
from consultation.models import Comment
from consultation.vocabulary import Channel
from publisher.settings import Settings
from publisher.web.app import create_app
from tests.support.bodies import comment_body, draft_body, open_consultation
from tests.support.clock import Clock, local
from tests.support.mail import Mailbox, text_of
from tests.support.outbox import deliver
from tests.support.staff import StaffFixture, sign_in

STAFF_PATH = "/api/v1/staff/consultations"


def _count(session_factory: sessionmaker[Session], **where: Any) -> int:
    with session_factory() as s:
        query = select(func.count()).select_from(Comment)
        for key, value in where.items():
            query = query.where(getattr(Comment, key) == value)
        return int(s.scalar(query) or 0)


# ---------------------------------------------------------------------------------- windows


def test_city_window_must_hold_five_working_days_after_national_day(
    client: TestClient, staff: StaffFixture, clock: Clock
) -> None:
    clock.set(2026, 9, 30, 8, 0)
    opens = local(2026, 9, 30, 9, 0).isoformat()
    publish = local(2026, 9, 30, 8, 0).isoformat()
    # After 09-30: 10-08, 10-09, 10-10 (Saturday, worked), 10-12, 10-13 -> close 10-14 00:00.
    short = draft_body(
        opens_at=opens, publish_at=publish, closes_at=local(2026, 10, 13, 18, 0).isoformat()
    )
    refused = client.post(STAFF_PATH, json=short, headers=staff.headers("editor"))
    assert refused.status_code == 422
    error = refused.json()["error"]
    assert error["code"] == "rule_violation"
    assert error["details"]["earliest_close"] == local(2026, 10, 14).isoformat()
    assert "2026年10月13日 24:00" in error["message_zh"]
    assert "5 full working days" in error["message"]
    ok = draft_body(opens_at=opens, publish_at=publish, closes_at=local(2026, 10, 14).isoformat())
    accepted = client.post(STAFF_PATH, json=ok, headers=staff.headers("editor"))
    assert accepted.status_code == 201, accepted.text
    assert accepted.json()["earliest_close"] == local(2026, 10, 14).isoformat()


def test_order_713_shorter_window_needs_a_public_reason(
    client: TestClient, staff: StaffFixture
) -> None:
    body = draft_body(profile="order_713")  # 11-23 .. 12-07: shorter than 30 days
    refused = client.post(STAFF_PATH, json=body, headers=staff.headers("editor"))
    assert refused.status_code == 422
    assert refused.json()["error"]["details"]["earliest_close"] == local(2026, 12, 24).isoformat()
    reason = "涉及冬季供暖安排，情况紧急，需缩短征求意见期限。"
    draft_id = open_consultation(
        client, staff.headers("editor"), profile="order_713", shorter_reason=reason
    )
    public = client.get(f"/api/v1/consultations/{draft_id}").json()
    assert public["shorter_reason"] == reason
    assert reason in client.get(f"/consultations/{draft_id}").text


def test_unpublished_or_future_draft_is_not_public(
    client: TestClient, staff: StaffFixture, clock: Clock
) -> None:
    hidden = open_consultation(client, staff.headers("editor"), publish_at=None)
    later = open_consultation(
        client,
        staff.headers("editor"),
        opens_at=local(2026, 11, 30, 9).isoformat(),
        closes_at=local(2026, 12, 14).isoformat(),
        publish_at=local(2026, 11, 25, 9).isoformat(),
    )
    assert client.get(f"/api/v1/consultations/{hidden}").status_code == 404
    assert client.get(f"/api/v1/consultations/{later}").status_code == 404
    assert client.get(f"/consultations/{hidden}").status_code == 404
    assert client.get("/api/v1/consultations").json() == []
    clock.set(2026, 11, 25, 9, 0)
    listed = client.get("/api/v1/consultations").json()
    assert [d["id"] for d in listed] == [later]
    assert listed[0]["state"] == "upcoming"
    secret = client.post(
        STAFF_PATH, json=draft_body(secret_by_law=True), headers=staff.headers("editor")
    )
    assert secret.status_code == 422


def test_window_opens_and_closes_by_the_clock(
    client: TestClient, staff: StaffFixture, clock: Clock
) -> None:
    clock.set(2026, 11, 23, 8, 30)
    draft_id = open_consultation(
        client, staff.headers("editor"), publish_at=local(2026, 11, 23, 8, 30).isoformat()
    )
    url = f"/api/v1/consultations/{draft_id}/comments"
    early = client.post(url, json=comment_body())
    assert early.status_code == 422
    assert "2026年11月23日 09:00" in early.json()["error"]["message_zh"]
    clock.set(2026, 11, 23, 9, 0)
    assert client.get(f"/api/v1/consultations/{draft_id}").json()["state"] == "open"
    assert client.post(url, json=comment_body()).status_code == 201
    clock.set(2026, 12, 7, 0, 0)
    late = client.post(url, json=comment_body(text="截止后的意见"))
    assert late.status_code == 422
    error = late.json()["error"]
    assert (
        "2026年12月6日 24:00" in error["message_zh"]
        and "12月7日" not in error["message_zh"]
        and "closed" in error["message"]
    )
    assert error["details"]["closes_at"] == local(2026, 12, 7).isoformat()
    page = client.get(f"/consultations/{draft_id}").text
    assert "已截止" in page and 'name="text"' not in page
    # staff still record an offline opinion (第五条) after closing
    offline = client.post(
        f"{STAFF_PATH}/{draft_id}/comments",
        json={"channel": "hearing", "text": "听证会上代表建议延长免费停车时段。"},
        headers=staff.headers("editor"),
    )
    assert offline.status_code == 201, offline.text
    assert offline.json()["channel"] == "hearing"


def test_extend_is_public_and_shortening_is_refused(
    client: TestClient, staff: StaffFixture, clock: Clock
) -> None:
    draft_id = open_consultation(client, staff.headers("editor"))
    before = client.get(f"/api/v1/consultations/{draft_id}").json()
    shorten = client.post(
        f"{STAFF_PATH}/{draft_id}/extend",
        json={"closes_at": local(2026, 12, 4).isoformat(), "reason": "缩短"},
        headers=staff.headers("editor"),
    )
    assert shorten.status_code == 422
    extend = client.post(
        f"{STAFF_PATH}/{draft_id}/extend",
        json={"closes_at": local(2026, 12, 14).isoformat(), "reason": "公众关注度高，延长一周。"},
        headers=staff.headers("editor"),
    )
    assert extend.status_code == 200, extend.text
    after = client.get(f"/api/v1/consultations/{draft_id}").json()
    assert after["closes_at"] == local(2026, 12, 14).isoformat()
    assert after["sequence"] == before["sequence"] + 1
    assert after["extensions"][0]["reason"] == "公众关注度高，延长一周。"
    assert "公众关注度高，延长一周。" in client.get(f"/consultations/{draft_id}").text


# ---------------------------------------------------------------------------------- comments


def test_idempotent_retry_returns_the_same_receipt(
    client: TestClient, staff: StaffFixture, session_factory: sessionmaker[Session]
) -> None:
    draft_id = open_consultation(client, staff.headers("editor"))
    url = f"/api/v1/consultations/{draft_id}/comments"
    headers = {"Idempotency-Key": "retry-key-1"}
    first = client.post(url, json=comment_body(), headers=headers)
    second = client.post(url, json=comment_body(), headers=headers)
    assert first.status_code == 201 and second.status_code == 200
    assert first.json()["receipt_code"] == second.json()["receipt_code"]
    assert first.json()["receipt_code"].startswith("YJ-")
    assert _count(session_factory, idempotency_key="retry-key-1") == 1
    assert _count(session_factory) == 1


def test_concurrent_retries_with_one_key_store_one_row(
    client: TestClient, staff: StaffFixture, session_factory: sessionmaker[Session]
) -> None:
    """Races on the UNIQUE (draft_id, idempotency_key): every caller gets the one receipt."""
    draft_id = open_consultation(client, staff.headers("editor"))
    codes: list[str] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(8)

    def submit(i: int) -> None:
        try:
            with session_factory() as session:
                barrier.wait()
                comment, _ = comments.submit_comment(
                    session,
                    draft_id,
                    comments.CommentInput(text="同一条意见", anonymous=True),
                    local(2026, 11, 24, 10),
                    requester=f"10.0.0.{i}",
                    channel=Channel.API,
                    idempotency_key="race-key",
                )
                codes.append(comment.receipt_code)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=submit, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert len(set(codes)) == 1 and len(codes) == 8
    assert _count(session_factory, idempotency_key="race-key") == 1


def test_rate_limit_per_address(client: TestClient, staff: StaffFixture, clock: Clock) -> None:
    draft_id = open_consultation(client, staff.headers("editor"))
    url = f"/api/v1/consultations/{draft_id}/comments"
    for i in range(comments.COMMENTS_PER_ADDRESS.max_hits):
        clock.set(2026, 11, 24, 10, i)
        ok = client.post(
            url, json=comment_body(text=f"第{i}条意见"), headers={"Idempotency-Key": f"k{i}"}
        )
        assert ok.status_code == 201
    # a retry of an accepted comment is not a new comment and is not refused
    assert (
        client.post(url, json=comment_body(), headers={"Idempotency-Key": "k3"}).status_code == 200
    )
    refused = client.post(url, json=comment_body(text="第十一条"))
    assert refused.status_code == 429
    error = refused.json()["error"]
    assert "2026年11月24日 10:10" in error["message_zh"] and "请于" in error["message_zh"]
    assert refused.headers["Retry-After"] == "61"  # 10:09 → 10:10, and one more second
    clock.set(2026, 11, 24, 10, 10, 1)
    assert client.post(url, json=comment_body(text="第十一条")).status_code == 201


def test_contact_is_required_unless_anonymous_and_size_is_limited(
    client: TestClient, staff: StaffFixture, session_factory: sessionmaker[Session]
) -> None:
    draft_id = open_consultation(client, staff.headers("editor"))
    url = f"/api/v1/consultations/{draft_id}/comments"
    no_contact = client.post(url, json=comment_body(phone=""))
    assert no_contact.status_code == 422
    assert "匿名提交" in no_contact.json()["error"]["message_zh"]
    too_long = client.post(url, json=comment_body(text="长" * (comments.MAX_COMMENT_CHARS + 1)))
    assert too_long.status_code == 422
    anonymous = client.post(url, json=comment_body(phone="13900000000", anonymous=True))
    assert anonymous.status_code == 201
    with session_factory() as s:
        row = s.scalars(select(Comment)).one()
        assert row.phone is None and row.commenter_name is None  # nothing kept


def test_personal_numbers_in_text_are_masked(client: TestClient, staff: StaffFixture) -> None:
    draft_id = open_consultation(client, staff.headers("editor"))
    text = "我的电话13812345678，身份证号410102199001011234，请联系。"
    receipt = client.post(
        f"/api/v1/consultations/{draft_id}/comments", json=comment_body(text=text)
    ).json()["receipt_code"]
    status = client.get(f"/api/v1/comments/{receipt}").json()
    assert "13812345678" not in status["text"] and "410102199001011234" not in status["text"]
    assert "138******78" in status["text"]
    page = client.post("/comments/status", data={"code": receipt.lower()}).text
    assert "13812345678" not in page and "410102199001011234" not in page
    assert "138******78" in page


def test_honeypot_and_duplicates_are_flagged_not_dropped(
    client: TestClient, staff: StaffFixture
) -> None:
    draft_id = open_consultation(client, staff.headers("editor"))
    url = f"/api/v1/consultations/{draft_id}/comments"
    bot = client.post(url, json=comment_body(text="买卖发票", website="http://spam.example"))
    assert bot.status_code == 201 and bot.json()["receipt_code"]
    client.post(url, json=comment_body(text="建议 增设停车位！"))
    client.post(url, json=comment_body(text="建议增设停车位。"))
    flagged = client.get(
        f"{STAFF_PATH}/{draft_id}/comments",
        params={"status": "flagged"},
        headers=staff.headers("editor"),
    ).json()
    assert [c["flagged_spam"] for c in flagged] == [True, False]
    assert flagged[1]["duplicate_of_id"] is not None
    everything = client.get(f"{STAFF_PATH}/{draft_id}/comments", headers=staff.headers("editor"))
    assert len(everything.json()) == 3


# ---------------------------------------------------------------------------------- answers


def test_answer_sends_mail_and_shows_by_receipt(
    mail_settings: Settings,
    mailbox: Mailbox,
    staff: StaffFixture,
    clock: Clock,
) -> None:
    app = create_app(mail_settings)
    app.state.clock = clock
    with TestClient(app) as client:
        draft_id = open_consultation(client, staff.headers("editor"))
        url = f"/api/v1/consultations/{draft_id}/comments"
        first = client.post(url, json=comment_body(email="citizen@example.cn")).json()
        second = client.post(url, json=comment_body(text="另一条", phone="13700000000")).json()
        comments = client.get(f"{STAFF_PATH}/{draft_id}/comments", headers=staff.headers("editor"))
        ids = [c["id"] for c in comments.json()]
        answered = client.post(
            f"{STAFF_PATH}/{draft_id}/answers",
            json={
                "comment_ids": ids,
                "disposition": "partly_adopted",
                "reason": "已在第二条中增加。",
            },
            headers=staff.headers("editor"),
        )
        assert answered.status_code == 200, answered.text
        # each commenter: e-mail and/or SMS, queued in the answer's transaction, none sent yet
        assert answered.json() == {"answered": 2, "messages_queued": 3}
        assert [m for m in mailbox.to("citizen@example.cn") if "答复" in str(m["Subject"])] == []
        deliver(mail_settings)
        messages = [m for m in mailbox.to("citizen@example.cn") if "答复" in str(m["Subject"])]
        assert len(messages) == 1
        body = text_of(messages[0])
        assert first["receipt_code"] in body and "部分采纳" in body and "已在第二条中增加。" in body
        for receipt in (first["receipt_code"], second["receipt_code"]):
            status = client.get(f"/api/v1/comments/{receipt}").json()
            assert status["status"] == "answered"
            assert status["disposition_zh"] == "部分采纳"
            assert status["answer"] == "已在第二条中增加。"
        page = client.post("/comments/status", data={"code": first["receipt_code"]}).text
        assert "部分采纳" in page and "已在第二条中增加。" in page
    app.state.engine.dispose()


def test_adoption_summary_has_no_personal_data(
    client: TestClient,
    staff: StaffFixture,
    clock: Clock,
    session_factory: sessionmaker[Session],
) -> None:
    draft_id = open_consultation(client, staff.headers("editor"))
    url = f"/api/v1/consultations/{draft_id}/comments"
    markers = {"name": "马克尔姓名甲", "phone": "13698765432", "email": "marker-mail@example.cn"}
    client.post(
        url, json=comment_body(text="公开的意见，电话13611112222", consent_publish=True, **markers)
    )
    client.post(url, json=comment_body(text="不同意公开的意见", consent_publish=False, **markers))
    hidden = client.post(url, json=comment_body(text="广告内容", consent_publish=True, **markers))
    queue = client.get(f"{STAFF_PATH}/{draft_id}/comments", headers=staff.headers("editor")).json()
    hidden_id = next(c["id"] for c in queue if c["receipt_code"] == hidden.json()["receipt_code"])
    hide = client.post(
        f"{STAFF_PATH}/{draft_id}/comments/{hidden_id}/hide",
        json={"reason": "与本草案无关的广告"},
        headers=staff.headers("reviewer"),
    )
    assert hide.status_code == 200
    clock.set(2026, 12, 8, 9, 0)
    summary_url = f"{STAFF_PATH}/{draft_id}/summary"
    outcome = {"outcome_text": "经研究，市政府决定修改后印发。"}
    not_yet = client.post(summary_url, json=outcome, headers=staff.headers("reviewer"))
    assert not_yet.status_code == 409 and "2条意见尚未答复" in not_yet.json()["error"]["message_zh"]
    open_ids = [c["id"] for c in queue if c["id"] != hidden_id]
    for cid, disposition in zip(open_ids, ["adopted", "not_adopted"], strict=True):
        client.post(
            f"{STAFF_PATH}/{draft_id}/answers",
            json={"comment_ids": [cid], "disposition": disposition, "reason": "答复理由"},
            headers=staff.headers("editor"),
        )
    published = client.post(summary_url, json=outcome, headers=staff.headers("reviewer"))
    assert published.status_code == 200, published.text
    api = client.get(f"/api/v1/consultations/{draft_id}").text
    page = client.get(f"/consultations/{draft_id}").text
    with session_factory() as s:
        rows = summaries.adoption_summary_rows(s)
    summary = client.get(f"/api/v1/consultations/{draft_id}").json()["adoption_summary"]
    assert summary["counts"] == {
        "adopted": 1,
        "partly_adopted": 0,
        "not_adopted": 1,
        "out_of_scope": 0,
    }
    assert [i["text"] for i in summary["items"]] == ["公开的意见，电话136******22"]
    assert len(rows) == 1 and rows[0]["disposition_zh"] == "采纳"
    assert "经研究，市政府决定修改后印发。" in page
    for text in (api, page, repr(rows)):
        for marker in [*markers.values(), "13611112222", "不同意公开的意见", "广告内容"]:
            assert marker not in text
        assert "YJ-" not in text
    # the answers are final once the summary is out
    late = client.post(
        f"{STAFF_PATH}/{draft_id}/answers",
        json={"comment_ids": open_ids, "disposition": "adopted", "reason": "改"},
        headers=staff.headers("editor"),
    )
    assert late.status_code == 409


def test_staff_csv_has_personal_data_and_is_audited(
    client: TestClient, staff: StaffFixture
) -> None:
    draft_id = open_consultation(client, staff.headers("editor"))
    client.post(
        f"/api/v1/consultations/{draft_id}/comments",
        json=comment_body(name="王五", email="wangwu@example.cn"),
    )
    csv_text = client.get(
        f"{STAFF_PATH}/{draft_id}/comments.csv", headers=staff.headers("reviewer")
    ).text
    assert "王五" in csv_text and "wangwu@example.cn" in csv_text
    audit_log = client.get("/api/v1/staff/audit", headers=staff.headers("admin")).text
    assert "consultation.comments.export" in audit_log


def test_staff_pages_create_and_answer_with_csrf(
    client: TestClient, staff: StaffFixture, clock: Clock
) -> None:
    csrf = sign_in(client, "editor")
    page = client.get("/staff/consultations", params={"opens_at": "2026-09-30T09:00"})
    assert (
        page.status_code == 200
        and "2026年10月13日 24:00" in page.text
        and "公示期：2026年10月1日至10月13日（5个工作日），截至10月13日24时" in page.text
    )
    form = {
        "csrf_token": csrf,
        "title": "表单创建的草案",
        "draft_text": "草案正文",
        "basis_text": "依据",
        "profile": "city",
        "opens_at": "2026-11-23T09:00",
        "closes_at": "2026-11-27T18:00",
        "publish_now": "1",
    }
    refused = client.post("/staff/consultations", data=form)
    assert refused.status_code == 422 and "2026年11月30日 24:00" in refused.text
    assert "表单创建的草案" in refused.text  # nothing typed is lost
    form["closes_at"] = "2026-12-01T00:00"
    created = client.post("/staff/consultations", data=form, follow_redirects=False)
    assert created.status_code == 303
    location = created.headers["location"]
    draft_id = int(location.rsplit("/", 1)[1])
    receipt = client.post(f"/api/v1/consultations/{draft_id}/comments", json=comment_body()).json()[
        "receipt_code"
    ]
    queue = client.get(f"{STAFF_PATH}/{draft_id}/comments", headers=staff.headers("editor"))
    cid = queue.json()[0]["id"]
    no_csrf = client.post(
        f"/staff/consultations/{draft_id}/answers",
        data={"comment_ids": str(cid), "disposition": "adopted", "reason": "采纳"},
    )
    assert no_csrf.status_code == 403
    answered = client.post(
        f"/staff/consultations/{draft_id}/answers",
        data={
            "csrf_token": csrf,
            "comment_ids": str(cid),
            "disposition": "adopted",
            "reason": "采纳，谢谢。",
        },
        follow_redirects=False,
    )
    assert answered.status_code == 303
    assert client.get(f"/api/v1/comments/{receipt}").json()["answer"] == "采纳，谢谢。"
    detail = client.get(location)
    assert detail.status_code == 200 and "13912345678" in detail.text  # staff see contact


def test_an_absurd_comment_id_in_the_answer_form_is_refused_not_500(
    client: TestClient, staff: StaffFixture
) -> None:
    draft_id = open_consultation(client, staff.headers("editor"))
    csrf = sign_in(client, "editor")
    response = client.post(
        f"/staff/consultations/{draft_id}/answers",
        data={
            "csrf_token": csrf,
            "comment_ids": [str(2**70)],
            "disposition": "adopted",
            "reason": "采纳",
        },
    )
    assert 400 <= response.status_code < 500


def test_the_receipt_lookup_keeps_codes_out_of_urls(
    client: TestClient, staff: StaffFixture
) -> None:
    """The form posts the code (access logs record URLs, not bodies); an old ``?code=`` link only
    fills the form in; the short link of the messages shows the status itself."""
    draft_id = open_consultation(client, staff.headers("editor"))
    receipt = client.post(
        f"/api/v1/consultations/{draft_id}/comments", json=comment_body(text="建议增设路灯。")
    ).json()["receipt_code"]
    form = client.get("/comments/status")
    assert 'method="post" action="/comments/status"' in form.text
    old_link = client.get("/comments/status", params={"code": receipt}).text
    assert f'value="{receipt}"' in old_link and 'id="comment-status"' not in old_link
    short = client.get(f"/c/{receipt}")
    assert short.status_code == 200 and 'id="comment-status"' in short.text
    assert "建议增设路灯" in short.text and short.headers["Cache-Control"] == "private, no-store"
