"""Attendance applications and representatives' opinions, through the API and the pages."""

from __future__ import annotations

import csv as _csv
import datetime as dt
import io
import re
import threading
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from publisher.meetings import attendance, intake
from publisher.meetings.models import MeetingApplication, MeetingNotice
from publisher.meetings.vocabulary import RepresentativeCategory
from publisher.settings import Settings
from tests.support.bodies import notice_body
from tests.support.clock import MEETINGS_NOW, Clock, local
from tests.support.mail import text_of
from tests.support.memory import statements_run
from tests.support.outbox import deliver
from tests.support.staff import sign_in


def application(phone: str = "13800138000", **overrides: Any) -> dict[str, Any]:
    body = {
        "applicant_name": "李市民",
        "phone": phone,
        "category": "citizen",
        "statement": "关注民生实事中的老旧小区改造。",
    }
    body.update(overrides)
    return body


def open_notice(client: TestClient, staff: Any, **overrides: Any) -> int:
    body = notice_body(publication_at=local(2026, 11, 22, 9, 0).isoformat(), **overrides)
    response = client.post("/api/v1/staff/meetings", json=body, headers=staff.headers("editor"))
    assert response.status_code == 201, response.text
    meeting_id: int = response.json()["id"]
    return meeting_id


def test_deadline_capacity_duplicates_and_formats(
    client: TestClient, staff: Any, clock: Clock
) -> None:
    mid = open_notice(client, staff, capacity=2)
    path = f"/api/v1/meetings/{mid}/applications"
    first = client.post(path, json=application("+86 138-0013-8000"))
    assert first.status_code == 201, first.text
    assert re.fullmatch(r"CH-[0-9A-Z]{5}-[0-9A-Z]{5}", first.json()["receipt_code"])
    duplicate = client.post(path, json=application("13800138000", applicant_name="李某"))
    assert duplicate.status_code == 409
    assert "已就本次会议提交过" in duplicate.json()["error"]["message_zh"]
    bad_phone = client.post(path, json=application("12345"))
    assert bad_phone.status_code == 422 and "电话号码" in bad_phone.json()["error"]["message_zh"]
    bad_mail = client.post(path, json=application("13900139000", email="not-an-address"))
    assert bad_mail.status_code == 422 and "邮箱" in bad_mail.json()["error"]["message_zh"]
    assert client.post(path, json=application("0398-2888888")).status_code == 201
    meeting = client.get(f"/api/v1/meetings/{mid}").json()
    assert meeting["places_left"] == 0 and meeting["waiting_list"] is True
    # full: the next goes on the waiting list (from another address: this one has made the
    # two applications a meeting takes from one)
    other_address = {"X-Forwarded-For": "198.51.100.7"}
    full = client.post(path, json=application("13700137000"), headers=other_address)
    assert full.status_code == 201 and full.json()["status"] == "waitlisted"
    assert "候补" in full.json()["message_zh"]
    # a declined application frees its place: the first waiting moves up by itself
    queue = client.get(
        f"/api/v1/staff/meetings/{mid}/applications", headers=staff.headers("reviewer")
    ).json()
    client.post(
        f"/api/v1/staff/meetings/{mid}/applications/{queue[0]['id']}/decision",
        json={"approve": False, "note": "名额有限"},
        headers=staff.headers("reviewer"),
    )
    promoted = client.get(f"/api/v1/applications/{full.json()['receipt_code']}").json()
    assert promoted["status"] == "pending" and promoted["waiting_position"] is None
    # after the deadline (12-04 17:00) nobody can apply
    clock.now = local(2026, 12, 4, 17, 0, 1)
    late = client.post(path, json=application("13600136000"))
    assert late.status_code == 422 and "截止" in late.json()["error"]["message_zh"]


def test_concurrent_intake_never_exceeds_capacity(
    client: TestClient, staff: Any, session_factory: sessionmaker[Session]
) -> None:
    """Sixteen at once for five places: five hold one, eleven wait, in a strict order."""
    mid = open_notice(client, staff, capacity=5)
    outcomes: list[str] = []

    def apply(i: int) -> None:
        with session_factory() as session:
            data = intake.ApplicationInput(
                f"申请人{i}", f"1380000{i:04d}", RepresentativeCategory.EXPERT
            )
            taken, _ = intake.apply_to_attend(
                session, mid, data, MEETINGS_NOW, requester=f"10.0.0.{i}"
            )
            outcomes.append(taken.status)

    threads = [threading.Thread(target=apply, args=(i,)) for i in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["pending"] * 5 + ["waitlisted"] * 11
    with session_factory() as session:
        count = session.scalar(
            select(func.count())
            .select_from(MeetingApplication)
            .where(MeetingApplication.status == "pending")
        )
        assert count == 5
        notice = session.get(MeetingNotice, mid)
        assert notice is not None
        line = attendance.waiting(session, mid)
        assert len(line) == 11 and len({a.id for a in line}) == 11


def test_round_trip_with_email(
    mail_client: TestClient, mail_settings: Settings, staff: Any, mailbox: Any
) -> None:
    client = mail_client
    mid = open_notice(client, staff)
    receipt = client.post(
        f"/api/v1/meetings/{mid}/applications",
        json=application(email="li@example.cn", category="legal_adviser"),
    ).json()["receipt_code"]
    status = client.get(f"/api/v1/applications/{receipt}").json()
    assert status["status"] == "pending" and status["category"] == "legal_adviser"
    queue = client.get(
        f"/api/v1/staff/meetings/{mid}/applications", headers=staff.headers("reviewer")
    )
    assert queue.json()[0]["phone"] == "13800138000"
    editor_try = client.post(
        f"/api/v1/staff/meetings/{mid}/applications/{queue.json()[0]['id']}/decision",
        json={"approve": True},
        headers=staff.headers("editor"),
    )
    assert editor_try.status_code == 403
    decided = client.post(
        f"/api/v1/staff/meetings/{mid}/applications/{queue.json()[0]['id']}/decision",
        json={"approve": True, "note": "请于会前15分钟到场"},
        headers=staff.headers("reviewer"),
    )
    assert decided.status_code == 200
    assert mailbox.to("li@example.cn") == []  # nothing is sent inside the request
    deliver(mail_settings)
    messages = [m for m in mailbox.to("li@example.cn") if "参会申请结果" in str(m["Subject"])]
    assert len(messages) == 1
    assert "已同意" in str(messages[0]["Subject"])
    assert receipt in text_of(messages[0])
    status_response = client.get(f"/api/v1/applications/{receipt.lower()}")
    status = status_response.json()
    assert status["status"] == "approved" and status["status_label"] == "已同意"
    assert status["review_note"] == "请于会前15分钟到场"
    for personal in ("13800138000", "李市民", "li@example.cn"):
        assert personal not in status_response.text
        assert personal not in client.get(f"/api/v1/meetings/{mid}").text
        assert personal not in client.get(f"/meetings/{mid}").text
    csv = client.get(
        f"/api/v1/staff/meetings/{mid}/applications.csv", headers=staff.headers("reviewer")
    )
    assert csv.status_code == 200 and "13800138000" in csv.text and "李市民" in csv.text
    assert csv.headers["content-type"].startswith("text/csv")
    # for the office's staff in Excel: Chinese headers and values (issue #18)
    rows = list(_csv.DictReader(io.StringIO(csv.content.decode("utf-8-sig"))))
    assert rows[0]["姓名"] == "李市民" and rows[0]["审核状态"] == "已同意"


def test_opinions_record_assign_answer(client: TestClient, staff: Any) -> None:
    mid = open_notice(client, staff)
    receipt = client.post(f"/api/v1/meetings/{mid}/applications", json=application()).json()[
        "receipt_code"
    ]
    early = client.post(f"/api/v1/applications/{receipt}/opinions", json={"body": "建议"})
    assert early.status_code == 422  # not yet approved
    app_id = client.get(
        f"/api/v1/staff/meetings/{mid}/applications", headers=staff.headers("reviewer")
    ).json()[0]["id"]
    client.post(
        f"/api/v1/staff/meetings/{mid}/applications/{app_id}/decision",
        json={"approve": True},
        headers=staff.headers("reviewer"),
    )
    recorded = client.post(
        f"/api/v1/applications/{receipt}/opinions", json={"body": "建议增加加装电梯的补贴。"}
    )
    assert recorded.status_code == 201
    by_staff = client.post(
        f"/api/v1/staff/meetings/{mid}/opinions",
        json={"application_id": app_id, "body": "会上口头建议：公开改造进度。"},
        headers=staff.headers("editor"),
    )
    assert by_staff.status_code == 201
    opinions = client.get(
        f"/api/v1/staff/meetings/{mid}/opinions", headers=staff.headers("editor")
    ).json()
    assert [o["recorded_by"] for o in opinions] == ["representative", "editor"]
    oid = opinions[0]["id"]
    assigned = client.post(
        f"/api/v1/staff/meetings/{mid}/opinions/{oid}/assign",
        json={"department": "市住房和城乡建设局", "note": "10个工作日内办结"},
        headers=staff.headers("editor"),
    )
    assert assigned.status_code == 200 and assigned.json()["department"] == "市住房和城乡建设局"
    answered = client.post(
        f"/api/v1/staff/meetings/{mid}/opinions/{oid}/answer",
        json={"answer": "已纳入2027年补贴方案。"},
        headers=staff.headers("editor"),
    )
    assert answered.status_code == 200
    status = client.get(f"/api/v1/applications/{receipt}").json()
    assert status["opinions"][0]["answer"] == "已纳入2027年补贴方案。"
    assert status["opinions"][0]["department"] == "市住房和城乡建设局"
    assert status["opinions"][1]["answer"] is None
    page = client.post("/applications/status", data={"receipt_code": receipt})
    assert "已纳入2027年补贴方案。" in page.text and "已同意" in page.text


def test_pages_apply_and_look_up(client: TestClient, staff: Any) -> None:
    mid = open_notice(client, staff)
    detail = client.get(f"/meetings/{mid}")
    assert "申请列席会议" in detail.text and "市民代表" in detail.text
    form = {
        "applicant_name": "王专家",
        "phone": "13912345678",
        "email": "",
        "category": "expert",
        "statement": "",
    }
    receipt_page = client.post(f"/meetings/{mid}/applications", data=form)
    assert receipt_page.status_code == 201
    found = re.search(r'id="receipt-code"[^>]*>([^<]+)<', receipt_page.text)
    assert found is not None
    again = client.post(f"/meetings/{mid}/applications", data=form)
    assert again.status_code == 409 and "无需重复提交" in again.text
    status = client.post("/applications/status", data={"receipt_code": found.group(1)})
    assert status.status_code == 200 and "待审核" in status.text
    unknown = client.post("/applications/status", data={"receipt_code": "CH-00000-00000"})
    assert unknown.status_code == 404 and "未找到" in unknown.text


def test_staff_pages_show_the_rule_and_refuse_in_chinese(client: TestClient, staff: Any) -> None:
    csrf = sign_in(client, "editor")
    created = client.post(
        "/staff/meetings",
        data={
            "csrf_token": csrf,
            "kind": "plenary",
            "title": "市政府第十一次全体会议",
            "starts_at": "2026-12-07T09:30",
            "ends_at": "2026-12-07T11:30",
            "place": "市政府第一会议室",
            "agenda": "审议事项",
            "participation": "在线申请",
            "capacity": "2",
            "media_allowed": "true",
        },
        follow_redirects=False,
    )
    assert created.status_code == 303, created.text
    detail_url = created.headers["location"].split("?")[0]
    detail = client.get(detail_url)
    assert "2026年12月1日 23:59" in detail.text and "第三条" in detail.text
    late = client.post(
        f"{detail_url}/publish", data={"csrf_token": csrf, "publication_at": "2026-12-02T08:00"}
    )
    assert late.status_code == 422 and "最迟于2026年12月1日发布" in late.text
    ok = client.post(
        f"{detail_url}/publish",
        data={"csrf_token": csrf, "publication_at": "2026-11-22T09:00"},
        follow_redirects=False,
    )
    assert ok.status_code == 303
    assert "市政府第十一次全体会议" in client.get("/meetings").text


def test_reapproving_a_declined_application_cannot_overbook(client: TestClient, staff: Any) -> None:
    mid = open_notice(client, staff, capacity=1)
    path = f"/api/v1/meetings/{mid}/applications"
    decide = f"/api/v1/staff/meetings/{mid}/applications"
    assert client.post(path, json=application("13800138000")).status_code == 201
    (first,) = client.get(decide, headers=staff.headers("reviewer")).json()
    declined = client.post(
        f"{decide}/{first['id']}/decision",
        json={"approve": False, "note": "名额有限"},
        headers=staff.headers("reviewer"),
    )
    assert declined.status_code == 200
    # the freed place goes to someone else, still pending
    assert client.post(path, json=application("13900139000")).status_code == 201
    again = client.post(
        f"{decide}/{first['id']}/decision",
        json={"approve": True, "note": "改为同意"},
        headers=staff.headers("reviewer"),
    )
    assert again.status_code == 409
    assert "名额已满" in again.json()["error"]["message_zh"]
    statuses = sorted(
        a["status"] for a in client.get(decide, headers=staff.headers("reviewer")).json()
    )
    assert statuses == ["declined", "pending"]


def test_a_waiting_position_is_counted_not_listed(
    client: TestClient, staff: Any, session_factory: sessionmaker[Session], engine: Engine
) -> None:
    """The waiting list of a popular meeting may hold thousands: a position is one COUNT in
    the list's order (applied first, then the lower number for the same instant), not the
    whole list loaded to find one's index (it was, for every status look-up and every new
    waitlisted application)."""
    mid = open_notice(client, staff, capacity=1)
    same_instant = MEETINGS_NOW - dt.timedelta(hours=1)
    with session_factory() as session, session.begin():
        for n in range(40):
            session.add(
                MeetingApplication(
                    notice_id=mid,
                    receipt_code=f"CH-WAIT{n:02d}-00000",
                    applicant_name="候补市民",
                    phone=f"139{n:08d}",
                    category="citizen",
                    statement="",
                    status="waitlisted" if n else "pending",
                    created_at=same_instant + dt.timedelta(seconds=n // 2),  # pairs share one
                )
            )
    with session_factory() as session:
        applications = session.scalars(
            select(MeetingApplication)
            .where(MeetingApplication.notice_id == mid)
            .order_by(MeetingApplication.created_at, MeetingApplication.id)
        ).all()
        with statements_run(engine) as seen:
            positions = [attendance.waiting_position(session, a) for a in applications]
    assert positions == [None, *range(1, 40)]
    assert len(seen) == 39 and all("count(" in sql.lower() for sql in seen), seen[:2]
