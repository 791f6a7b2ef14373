"""Every event that must reach a person, end to end: the change commits its messages, the
worker delivers them to the real SMTP server (aiosmtpd) and the SMS gateway stand-in, on
SQLite and PostgreSQL. Nothing is sent inside the request."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from publisher.notifications.messages import SMS_SEGMENT, segments
from publisher.settings import Settings
from publisher.web.app import create_app
from tests.meetings.test_applications import application, open_notice
from tests.support.bodies import comment_body, open_consultation
from tests.support.clock import CONSULTATIONS_NOW, MEETINGS_NOW, Clock, local
from tests.support.mail import Mailbox, text_of
from tests.support.outbox import deliver
from tests.support.sms import SmsGateway
from tests.support.staff import StaffFixture

MEETINGS = "/api/v1/staff/meetings"
CONSULTATIONS = "/api/v1/staff/consultations"


@pytest.fixture
def clock() -> Clock:
    return Clock(MEETINGS_NOW)


@pytest.fixture
def client(notify_settings: Settings, clock: Clock) -> Iterator[TestClient]:
    app = create_app(notify_settings)
    app.state.clock = clock
    with TestClient(app, base_url="http://testserver") as test_client:
        yield test_client
    app.state.engine.dispose()


def subjects(mailbox: Mailbox, address: str) -> list[str]:
    return [str(m["Subject"]) for m in mailbox.to(address)]


def sms_texts(gateway: SmsGateway, phone: str) -> list[str]:
    return [s.content for s in gateway.to(phone)]


def test_an_applicant_is_told_of_intake_decision_move_opinions_and_cancellation(
    client: TestClient,
    notify_settings: Settings,
    staff: StaffFixture,
    mailbox: Mailbox,
    sms_gateway: SmsGateway,
) -> None:
    mid = open_notice(client, staff)
    path = f"/api/v1/meetings/{mid}/applications"
    both = client.post(path, json=application(email="li@example.cn")).json()["receipt_code"]
    phone_only = client.post(path, json=application("13900139000")).json()["receipt_code"]
    assert mailbox.messages == [] and sms_gateway.sent == []  # nothing inside the request
    deliver(notify_settings)
    assert subjects(mailbox, "li@example.cn") == ["参会申请已收到 — 市政府第十次全体会议"]
    [received] = sms_texts(sms_gateway, "13800138000")
    assert both in received and f"http://testserver/a/{both}" in received
    [received_phone_only] = sms_texts(sms_gateway, "13900139000")
    assert phone_only in received_phone_only
    assert len(mailbox.messages) == 1  # the phone-only applicant gets no e-mail

    queue = client.get(f"{MEETINGS}/{mid}/applications", headers=staff.headers("reviewer")).json()
    ids = {a["receipt_code"]: a["id"] for a in queue}
    for receipt, approve in ((both, True), (phone_only, False)):
        decided = client.post(
            f"{MEETINGS}/{mid}/applications/{ids[receipt]}/decision",
            json={"approve": approve, "note": "请携带身份证" if approve else "名额有限"},
            headers=staff.headers("reviewer"),
        )
        assert decided.status_code == 200, decided.text
    opinion = client.post(
        f"{MEETINGS}/{mid}/opinions",
        json={"application_id": ids[both], "body": "建议增加停车位。"},
        headers=staff.headers("editor"),
    ).json()
    for action, body in (
        ("assign", {"department": "市住建局"}),
        ("answer", {"answer": "已采纳。"}),
    ):
        done = client.post(
            f"{MEETINGS}/{mid}/opinions/{opinion['id']}/{action}",
            json=body,
            headers=staff.headers("editor"),
        )
        assert done.status_code == 200, done.text
    moved = client.patch(
        f"{MEETINGS}/{mid}",
        json={
            "starts_at": local(2026, 12, 8, 9, 30).isoformat(),
            "ends_at": local(2026, 12, 8, 11, 30).isoformat(),
            "reason": "因工作安排调整",
        },
        headers=staff.headers("editor"),
    )
    assert moved.status_code == 200, moved.text
    cancelled = client.post(
        f"{MEETINGS}/{mid}/cancel", json={"reason": "议题调整"}, headers=staff.headers("editor")
    )
    assert cancelled.status_code == 200
    deliver(notify_settings)

    assert subjects(mailbox, "li@example.cn") == [
        "参会申请已收到 — 市政府第十次全体会议",
        "参会申请结果：已同意 — 市政府第十次全体会议",
        "您的意见建议已交办 — 市政府第十次全体会议",
        "您的意见建议已有答复 — 市政府第十次全体会议",
        "会议时间或地点变更 — 市政府第十次全体会议",
        "会议已取消 — 市政府第十次全体会议",
    ]
    texts = [text_of(m) for m in mailbox.to("li@example.cn")]
    assert "说明：请携带身份证" in texts[1]
    assert "市住建局" in texts[2] and "已采纳。" in texts[3]
    assert "现定于：2026年12月8日 09:30" in texts[4] and "原定于：2026年12月7日 09:30" in texts[4]
    assert "因工作安排调整" in texts[4] and "取消理由：议题调整" in texts[5]
    assert len(sms_texts(sms_gateway, "13800138000")) == 6
    # the declined applicant is told the decision, and nothing of the later changes
    later = sms_texts(sms_gateway, "13900139000")
    assert len(later) == 2 and "未获同意" in later[1]
    for sms in sms_gateway.sent:
        assert sms.sign_name == "三门峡市政府" and sms.out_id.startswith("outbox-")
        assert segments(f"【{sms.sign_name}】{sms.content}") <= 2
    assert deliver(notify_settings).claimed == 0  # nothing left, nothing sent twice


def test_withdrawal_reaches_everyone_still_concerned(
    client: TestClient,
    notify_settings: Settings,
    staff: StaffFixture,
    mailbox: Mailbox,
    sms_gateway: SmsGateway,
) -> None:
    mid = open_notice(client, staff)
    path = f"/api/v1/meetings/{mid}/applications"
    client.post(path, json=application(email="a@example.cn"))
    client.post(path, json=application("13900139000", email="b@example.cn"))
    withdrawn = client.post(
        f"{MEETINGS}/{mid}/withdraw",
        json={"reason": "依法需要保密"},
        headers=staff.headers("editor"),
    )
    assert withdrawn.status_code == 200, withdrawn.text
    deliver(notify_settings)
    for address in ("a@example.cn", "b@example.cn"):
        assert subjects(mailbox, address)[-1] == "会议预告已撤回 — 市政府第十次全体会议"
    assert "预告已撤回" in sms_texts(sms_gateway, "13900139000")[-1]


def test_commenters_are_told_of_receipt_answer_extension_and_summary(
    client: TestClient,
    clock: Clock,
    notify_settings: Settings,
    staff: StaffFixture,
    mailbox: Mailbox,
    sms_gateway: SmsGateway,
) -> None:
    clock.now = CONSULTATIONS_NOW
    editor = staff.headers("editor")
    draft_id = open_consultation(client, editor)
    url = f"/api/v1/consultations/{draft_id}/comments"
    first = client.post(url, json=comment_body(email="citizen@example.cn")).json()
    client.post(url, json=comment_body(text="第二条意见", phone="13700000000"))
    spam = client.post(url, json=comment_body(text="广告", phone="13600000000", website="x"))
    assert spam.status_code == 201
    deliver(notify_settings)
    assert subjects(mailbox, "citizen@example.cn") == [
        f"您对《三门峡市城区停车管理办法（征求意见稿）》提出的意见已收到（{first['receipt_code']}）"
    ]
    assert sms_texts(sms_gateway, "13600000000") == []  # the honeypot's catch is told nothing
    assert len(sms_texts(sms_gateway, "13700000000")) == 1

    extended = client.post(
        f"{CONSULTATIONS}/{draft_id}/extend",
        json={"closes_at": local(2026, 12, 14, 0, 0).isoformat(), "reason": "听取更多意见"},
        headers=editor,
    )
    assert extended.status_code == 200, extended.text
    comments = client.get(f"{CONSULTATIONS}/{draft_id}/comments", headers=editor).json()
    ids = [c["id"] for c in comments if not c["flagged_spam"]]
    answered = client.post(
        f"{CONSULTATIONS}/{draft_id}/answers",
        json={
            "comment_ids": [c["id"] for c in comments],
            "disposition": "adopted",
            "reason": "已修改第二条。",
        },
        headers=editor,
    )
    assert answered.status_code == 200
    not_yet = client.get(f"{CONSULTATIONS}/{draft_id}/comments", headers=editor).json()
    assert all(c["notified_at"] is None for c in not_yet)  # queued, not delivered
    delivered_at = dt.datetime.now(dt.UTC)
    deliver(notify_settings)
    after = client.get(f"{CONSULTATIONS}/{draft_id}/comments", headers=editor).json()
    notified = [c["notified_at"] for c in after if c["id"] in ids]
    assert all(n is not None for n in notified)
    assert all(
        dt.datetime.fromisoformat(n) >= delivered_at - dt.timedelta(seconds=5) for n in notified
    )

    clock.now = local(2026, 12, 14, 0, 1)
    summary = client.post(
        f"{CONSULTATIONS}/{draft_id}/summary",
        json={"outcome_text": "已按意见修改。"},
        headers=staff.headers("reviewer"),
    )
    assert summary.status_code == 200, summary.text
    deliver(notify_settings)
    assert subjects(mailbox, "citizen@example.cn")[1:] == [
        "《三门峡市城区停车管理办法（征求意见稿）》征求意见期延长至2026年12月13日 24:00",
        f"您对《三门峡市城区停车管理办法（征求意见稿）》提出的意见已有答复（{first['receipt_code']}）",
        "《三门峡市城区停车管理办法（征求意见稿）》意见采纳情况已公布",
    ]
    phone_texts = sms_texts(sms_gateway, "13700000000")
    assert [("延长" in t, "已答复：采纳" in t, "已公布" in t) for t in phone_texts[1:]] == [
        (True, False, False),
        (False, True, False),
        (False, False, True),
    ]
    assert all(len(t) <= 2 * SMS_SEGMENT for t in phone_texts)
    assert sms_texts(sms_gateway, "13600000000") == []
