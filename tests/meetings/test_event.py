"""A meeting as a real event (issue #17): agenda items, a waiting list with promotion,
check-in at the door, and the published outcome on the page and in the feeds."""

from __future__ import annotations

import re
from typing import Any

import feedparser
import icalendar
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from publisher.meetings.agenda_items import items_from_text
from publisher.notifications.models import OutboxMessage
from tests.support.bodies import notice_body
from tests.support.clock import Clock, local

AGENDA = [
    {
        "title": "审议《三门峡市2027年民生实事方案》",
        "description": "听取市发展改革委汇报。",
        "documents": [
            {"kind": "consultation", "label": "民生实事方案（征求意见稿）", "url": "12"},
            {"kind": "gazette", "label": "三政办〔2018〕45号", "url": "/documents/3"},
        ],
    },
    {"title": "研究城区停车管理办法", "description": "", "documents": []},
    {
        "title": "研究冬季供暖保障工作",
        "documents": [{"kind": "attachment", "label": "供暖方案", "url": "https://x.cn/a.pdf"}],
    },
    {"title": "其他事项"},
]


def _ics_event(client: TestClient) -> dict[str, str]:
    """The one event of the calendar feed, its properties as text."""
    calendar = icalendar.Calendar.from_ical(client.get("/feeds/meetings.ics").content)
    (event,) = calendar.walk("VEVENT")
    return {name: str(value) for name, value in event.items()}


def _published(client: TestClient, staff: Any, **overrides: Any) -> int:
    body = notice_body(publication_at=local(2026, 11, 22, 9, 0).isoformat(), **overrides)
    created = client.post("/api/v1/staff/meetings", json=body, headers=staff.headers("editor"))
    assert created.status_code == 201, created.text
    meeting_id: int = created.json()["id"]
    return meeting_id


def _events(factory: sessionmaker[Session]) -> list[str]:
    with factory() as session:
        return list(session.scalars(select(OutboxMessage.event).order_by(OutboxMessage.id)))


def test_typed_main_content_becomes_items_one_a_line() -> None:
    items = items_from_text("一、审议方案\n\n2. 研究停车\n（3）" + "长" * 250 + "\n3.5亿元项目")
    assert [i.title for i in items][:2] == ["审议方案", "研究停车"]
    assert items[3].title == "3.5亿元项目"
    assert len(items) == 4 and items[2].title.endswith("…") and len(items[2].description) == 250


def test_chinese_numbering_is_dropped_and_words_that_start_with_numerals_are_kept() -> None:
    """The page numbers the items: "一、审议…" used to read "1. 一、审议…"."""
    text = "十一、审议方案\n（二）研究停车\n第三项：其他事项\n三门峡市城区规划\n十四五规划中期评估"
    assert [i.title for i in items_from_text(text)] == [
        "审议方案",
        "研究停车",
        "其他事项",
        "三门峡市城区规划",
        "十四五规划中期评估",
    ]


def test_agenda_items_on_the_page_and_in_the_feeds(client: TestClient, staff: Any) -> None:
    mid = _published(client, staff)
    public = client.get(f"/api/v1/meetings/{mid}").json()
    assert [i["title"] for i in public["agenda_items"]] == [
        "审议《三门峡市2027年民生实事方案》",
        "其他事项",
    ]
    sequence = int(_ics_event(client)["SEQUENCE"])
    path = f"/api/v1/staff/meetings/{mid}/agenda"
    bad = client.put(
        path,
        json={"items": [{"title": "x", "documents": [{"kind": "gazette", "url": "java:x"}]}]},
        headers=staff.headers("editor"),
    )
    assert bad.status_code == 422 and "链接" in bad.json()["error"]["message_zh"]
    saved = client.put(
        path, json={"items": AGENDA, "reason": "增加议题"}, headers=staff.headers("editor")
    )
    assert saved.status_code == 200, saved.text
    assert saved.json()["agenda"].startswith("1. 审议《三门峡市2027年民生实事方案》\n")
    public = client.get(f"/api/v1/meetings/{mid}").json()
    assert [i["number"] for i in public["agenda_items"]] == [1, 2, 3, 4]
    first = public["agenda_items"][0]["documents"]
    assert [d["url"] for d in first] == ["/consultations/12", "/documents/3"]
    assert public["history"][-1]["changes_zh"][0].startswith("主要内容：")
    page = client.get(f"/meetings/{mid}").text
    assert page.count('<li id="item-') == 4 and 'href="/consultations/12"' in page
    rss = feedparser.parse(client.get("/feeds/meetings.rss").content)
    assert "4. 其他事项" in rss.entries[0].summary
    event = _ics_event(client)
    assert int(event["SEQUENCE"]) == sequence + 1
    assert "3. 研究冬季供暖保障工作" in str(event["DESCRIPTION"])
    # the same list again changes nothing
    again = client.put(path, json={"items": AGENDA}, headers=staff.headers("editor"))
    assert again.json()["sequence"] == saved.json()["sequence"]
    # an application and an opinion can name an item; another meeting's item is refused
    item_id = public["agenda_items"][1]["id"]
    applied = client.post(
        f"/api/v1/meetings/{mid}/applications",
        json={
            "applicant_name": "李市民",
            "phone": "13800138000",
            "category": "citizen",
            "agenda_item_id": item_id,
        },
    )
    assert applied.status_code == 201, applied.text
    other = _published(client, staff, title="市政府第十一次全体会议")
    wrong = client.post(
        f"/api/v1/meetings/{other}/applications",
        json={
            "applicant_name": "王市民",
            "phone": "13900139000",
            "category": "citizen",
            "agenda_item_id": item_id,
        },
    )
    assert wrong.status_code == 422 and "议题" in wrong.json()["error"]["message_zh"]


def _apply(client: TestClient, mid: int, phone: str, address: str) -> dict[str, Any]:
    response = client.post(
        f"/api/v1/meetings/{mid}/applications",
        json={"applicant_name": f"申请人{phone[-2:]}", "phone": phone, "category": "expert"},
        headers={"X-Forwarded-For": address},
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def test_waiting_list_promotion_check_in_and_outcome(
    client: TestClient, staff: Any, clock: Clock
) -> None:
    factory = client.app.state.session_factory  # type: ignore[attr-defined]
    mid = _published(client, staff, capacity=1)
    page = client.get(f"/meetings/{mid}").text
    assert "waiting-list-notice" not in page and "提交申请" in page
    first = _apply(client, mid, "13800138001", "198.51.100.1")
    # full: the page says so before anyone types, and offers the waiting list
    page = client.get(f"/meetings/{mid}").text
    assert 'id="waiting-list-notice"' in page and "名额已满" in page
    assert page.index("waiting-list-notice") < page.index('name="applicant_name"')
    second = _apply(client, mid, "13800138002", "198.51.100.2")
    third = _apply(client, mid, "13800138003", "198.51.100.3")
    assert (second["status"], third["status"]) == ("waitlisted", "waitlisted")
    status = client.post("/applications/status", data={"receipt_code": third["receipt_code"]})
    assert re.search(r'id="waiting-position">第 2 位', status.text)
    # the first gives the place up: the second moves up and is told
    gave_up = client.post("/applications/withdraw", data={"receipt_code": first["receipt_code"]})
    assert gave_up.status_code == 200 and "已放弃" in gave_up.text
    look = client.get(f"/api/v1/applications/{second['receipt_code']}").json()
    assert look["status"] == "pending"
    assert _events(factory)[-2:] == [
        "meeting.application.withdrawn",
        "meeting.application.promoted",
    ]
    # the office declines the second: the third moves up, then is approved
    queue = client.get(
        f"/api/v1/staff/meetings/{mid}/applications", headers=staff.headers("reviewer")
    ).json()
    ids = {a["receipt_code"]: a["id"] for a in queue}
    decide = f"/api/v1/staff/meetings/{mid}/applications"
    client.post(
        f"{decide}/{ids[second['receipt_code']]}/decision",
        json={"approve": False, "note": "名额有限"},
        headers=staff.headers("reviewer"),
    )
    approved = client.post(
        f"{decide}/{ids[third['receipt_code']]}/decision",
        json={"approve": True, "note": ""},
        headers=staff.headers("reviewer"),
    ).json()
    assert approved["status"] == "approved"
    code = approved["checkin_code"]
    assert re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}", code)
    assert _events(factory)[-2:] == ["meeting.application.promoted", "meeting.application.approved"]
    status = client.post("/applications/status", data={"receipt_code": third["receipt_code"]})
    assert code in status.text and 'aria-label="签到二维码"' in status.text
    # a declined application cannot take the place back while it is held
    again = client.post(
        f"{decide}/{ids[second['receipt_code']]}/decision",
        json={"approve": True, "note": ""},
        headers=staff.headers("reviewer"),
    )
    assert again.status_code == 409
    # the outcome waits for the meeting
    outcome = {
        "summary_kind": "minutes",
        "summary": "会议审议通过了民生实事方案。",
        "decisions": {"1": "原则通过，由市发展改革委印发实施。"},
        "links": [{"kind": "gazette", "label": "民生实事方案", "url": "/documents/9"}],
    }
    early = client.put(
        f"/api/v1/staff/meetings/{mid}/outcome", json=outcome, headers=staff.headers("editor")
    )
    assert early.status_code == 409 and "尚未召开" in early.json()["error"]["message_zh"]
    # at the door: typed loosely, then again
    clock.now = local(2026, 12, 7, 9, 20)
    door = f"/api/v1/staff/meetings/{mid}/checkin"
    wrong = client.post(door, json={"code": "ZZZZ-ZZZZ"}, headers=staff.headers("reviewer"))
    assert wrong.status_code == 404
    typed = code.lower().replace("-", " ")
    checked = client.post(door, json={"code": typed}, headers=staff.headers("reviewer"))
    assert checked.status_code == 200 and checked.json()["already_checked_in"] is False
    twice = client.post(door, json={"code": code}, headers=staff.headers("reviewer")).json()
    assert twice["already_checked_in"] is True
    clock.now = local(2026, 12, 7, 12, 0)
    counts = client.get(
        f"/api/v1/staff/meetings/{mid}/attendance", headers=staff.headers("reviewer")
    ).json()
    assert (counts["approved"], counts["checked_in"], counts["no_shows"]) == (1, 1, 0)
    sequence = int(_ics_event(client)["SEQUENCE"])
    published = client.put(
        f"/api/v1/staff/meetings/{mid}/outcome", json=outcome, headers=staff.headers("editor")
    )
    assert published.status_code == 200, published.text
    shown = published.json()["outcome"]
    assert shown["attended"] == 1 and {"label": "行业专家", "count": 1} in shown["attendance"]
    assert published.json()["agenda_items"][0]["decision"].startswith("原则通过")
    page = client.get(f"/meetings/{mid}").text
    assert "会议审议通过了民生实事方案。" in page and "原则通过" in page
    # the outcome is found with the meeting: a word only its decision holds (#17 item 4)
    found = client.get("/api/v1/search", params={"q": "印发实施", "kind": "meeting"}).json()
    assert [hit["url"] for hit in found] == [f"/meetings/{mid}"]
    rss = feedparser.parse(client.get("/feeds/meetings.rss").content)
    minutes = [e for e in rss.entries if e.title.startswith("【会议纪要】")]
    assert len(minutes) == 1 and "列席的社会公众代表共1人" in minutes[0].summary
    atom = feedparser.parse(client.get("/feeds/meetings.atom").content)
    assert any("会议审议通过" in e.summary for e in atom.entries)
    event = _ics_event(client)
    assert int(event["SEQUENCE"]) == sequence + 1
    assert "会议审议通过了民生实事方案。" in str(event["DESCRIPTION"])
    for feed in ("rss", "atom", "ics"):
        body = client.get(f"/feeds/meetings.{feed}").text
        assert "申请人03" not in body and "13800138003" not in body and code not in body


def test_more_places_move_the_waiting_list_up(client: TestClient, staff: Any) -> None:
    factory = client.app.state.session_factory  # type: ignore[attr-defined]
    mid = _published(client, staff, capacity=1)
    _apply(client, mid, "13800138001", "198.51.100.1")
    second = _apply(client, mid, "13800138002", "198.51.100.2")
    third = _apply(client, mid, "13800138003", "198.51.100.3")
    more = client.patch(
        f"/api/v1/staff/meetings/{mid}", json={"capacity": 2}, headers=staff.headers("editor")
    )
    assert more.status_code == 200, more.text
    assert client.get(f"/api/v1/applications/{second['receipt_code']}").json()["status"] == (
        "pending"
    )
    waiting = client.get(f"/api/v1/applications/{third['receipt_code']}").json()
    assert (waiting["status"], waiting["waiting_position"]) == ("waitlisted", 1)
    assert _events(factory)[-1] == "meeting.application.promoted"
    # giving up a turn on the waiting list frees no place: nobody moves up
    gave_up = client.post(
        f"/api/v1/applications/{third['receipt_code']}/withdraw",
        headers={"X-Forwarded-For": "198.51.100.3"},
    )
    assert gave_up.json()["status"] == "withdrawn"
    assert _events(factory)[-1] == "meeting.application.withdrawn"
    again = client.post(f"/api/v1/applications/{third['receipt_code']}/withdraw")
    assert again.status_code == 409
