"""Advance notices: the publication rule, visibility at read time, history, withheld."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from fastapi.testclient import TestClient

from tests.support.bodies import notice_body
from tests.support.clock import Clock, local


def publish(client: TestClient, staff: Any, meeting_id: int, when: dt.datetime) -> Any:
    return client.post(
        f"/api/v1/staff/meetings/{meeting_id}/publish",
        json={"publication_at": when.isoformat()},
        headers=staff.headers("editor"),
    )


def test_too_late_is_refused_with_the_latest_lawful_time(
    client: TestClient, staff: Any, make_notice: Any
) -> None:
    notice = make_notice()
    # Monday 12-07: three full working days (12-02, 12-03, 12-04) need publication by 12-01.
    assert notice["latest_publication"] == local(2026, 12, 1, 23, 59, 59).isoformat()
    late = publish(client, staff, notice["id"], local(2026, 12, 2, 8, 0))
    assert late.status_code == 422
    error = late.json()["error"]
    assert error["code"] == "rule_violation"
    assert "2026-12-01 23:59 Beijing time" in error["message"]
    assert "12月1日" in error["message_zh"] and "第三条" in error["message_zh"]
    assert error["details"]["latest_publication"] == local(2026, 12, 1, 23, 59, 59).isoformat()
    ok = publish(client, staff, notice["id"], local(2026, 12, 1, 23, 0))
    assert ok.status_code == 200, ok.text


def test_becomes_public_exactly_at_its_publication_time(
    client: TestClient, staff: Any, make_notice: Any, clock: Clock
) -> None:
    at = local(2026, 11, 30, 10, 0)
    notice = make_notice(publication_at=at.isoformat())
    path = f"/api/v1/meetings/{notice['id']}"
    clock.now = at - dt.timedelta(seconds=1)
    assert client.get(path).status_code == 404
    assert client.get("/api/v1/meetings").json() == []
    assert client.get(f"/meetings/{notice['id']}").status_code == 404
    clock.now = at
    assert client.get(path).status_code == 200
    assert [n["id"] for n in client.get("/api/v1/meetings").json()] == [notice["id"]]
    page = client.get(f"/meetings/{notice['id']}")
    assert page.status_code == 200 and "市政府第十次全体会议" in page.text


def test_national_day_edge(client: TestClient, staff: Any, make_notice: Any, clock: Clock) -> None:
    clock.now = local(2026, 9, 20, 9, 0)
    notice = make_notice(
        starts_at=local(2026, 10, 9, 9, 0).isoformat(),
        ends_at=local(2026, 10, 9, 12, 0).isoformat(),
        application_deadline=None,
    )
    assert notice["latest_publication"] == local(2026, 9, 28, 23, 59, 59).isoformat()
    assert "国庆节" in notice["rule_explanation_zh"]
    late = publish(client, staff, notice["id"], local(2026, 9, 29, 0, 0))
    assert late.status_code == 422
    assert "9月28日" in late.json()["error"]["message_zh"]
    assert publish(client, staff, notice["id"], local(2026, 9, 28, 23, 59)).status_code == 200


def test_uncovered_year_is_refused(client: TestClient, staff: Any) -> None:
    body = notice_body(
        starts_at=local(2027, 1, 20, 9, 0).isoformat(),
        ends_at=local(2027, 1, 20, 11, 0).isoformat(),
        application_deadline=None,
        publication_at=local(2026, 12, 1, 9, 0).isoformat(),
    )
    response = client.post("/api/v1/staff/meetings", json=body, headers=staff.headers("editor"))
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "calendar_not_covered"
    assert "2027" in error["message_zh"]


def test_a_loaded_2027_is_used(client: TestClient, staff: Any, settings: Any) -> None:
    year = {
        "year": 2027,
        "days_off": [{"date": "2027-01-01", "name": "元旦"}],
        "adjusted_workdays": [],
        "source": {
            "notice_title": "国务院办公厅关于2027年部分节假日安排的通知",
            "notice_url": "https://www.gov.cn/test-fixture/2027.html",
            "built_from": "operator: test fixture",
        },
    }
    (settings.calendar_dir / "2027.json").write_text(json.dumps(year, ensure_ascii=False))
    # Tuesday 2027-01-05: working days before are 01-04, 12-31, 12-30 (01-01 is off).
    body = notice_body(
        starts_at=local(2027, 1, 5, 9, 0).isoformat(),
        ends_at=local(2027, 1, 5, 11, 0).isoformat(),
        application_deadline=None,
    )
    response = client.post("/api/v1/staff/meetings", json=body, headers=staff.headers("editor"))
    assert response.status_code == 201, response.text
    assert response.json()["latest_publication"] == local(2026, 12, 29, 23, 59, 59).isoformat()


def test_missing_required_fields_are_listed(client: TestClient, staff: Any) -> None:
    body = notice_body(place="", participation=" ", publication_at=local(2026, 11, 23).isoformat())
    response = client.post("/api/v1/staff/meetings", json=body, headers=staff.headers("editor"))
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["details"]["missing"] == ["place", "participation"]
    assert "会议地点" in error["message_zh"] and "公众参与方式" in error["message_zh"]
    assert "place" in error["message"]
    draft = client.post(
        "/api/v1/staff/meetings", json=notice_body(place=""), headers=staff.headers("editor")
    )
    assert draft.status_code == 201  # a draft may wait for the place
    assert publish(client, staff, draft.json()["id"], local(2026, 11, 23)).status_code == 422


def test_move_place_cancel_history_and_sequence(
    client: TestClient, staff: Any, make_notice: Any, clock: Clock
) -> None:
    notice = make_notice(publication_at=local(2026, 11, 25, 9, 0).isoformat())
    mid = notice["id"]
    clock.now = local(2026, 11, 26, 9, 0)
    editor = staff.headers("editor")
    path = f"/api/v1/staff/meetings/{mid}"
    # Friday 12-04 needs publication by 11-30: 11-25 still satisfies it.
    moved = client.patch(
        path,
        json={
            "starts_at": local(2026, 12, 4, 9, 30).isoformat(),
            "ends_at": local(2026, 12, 4, 11, 30).isoformat(),
            "application_deadline": local(2026, 12, 3, 17, 0).isoformat(),
            "reason": "因工作安排提前",
        },
        headers=editor,
    )
    assert moved.status_code == 200, moved.text
    assert moved.json()["sequence"] == 1
    assert dt.datetime.fromisoformat(moved.json()["updated_at"]) == clock.now
    # Friday 11-27 would need publication by 11-23: the 11-25 publication is too late.
    refused = client.patch(
        path,
        json={
            "starts_at": local(2026, 11, 27, 9, 30).isoformat(),
            "ends_at": local(2026, 11, 27, 11, 30).isoformat(),
            "application_deadline": local(2026, 11, 26, 17, 0).isoformat(),
        },
        headers=editor,
    )
    assert refused.status_code == 422
    assert "11月23日" in refused.json()["error"]["message_zh"]
    assert client.get(path, headers=editor).json()["sequence"] == 1
    assert (
        client.patch(path, json={"place": "市民之家报告厅"}, headers=editor).json()["sequence"] == 2
    )
    retitled = client.patch(path, json={"title": "市政府第十次全体会议（扩大）"}, headers=editor)
    assert retitled.json()["sequence"] == 2  # a title does not matter to an attendee's calendar
    clock.now = local(2026, 11, 27, 9, 0)
    cancelled = client.post(f"{path}/cancel", json={"reason": "议题调整，另行通知"}, headers=editor)
    assert cancelled.status_code == 200
    assert cancelled.json()["sequence"] == 3

    public = client.get(f"/api/v1/meetings/{mid}").json()
    assert public["status"] == "cancelled" and public["status_label"] == "已取消"
    assert public["cancel_reason"] == "议题调整，另行通知"
    assert public["sequence"] == 3
    assert dt.datetime.fromisoformat(public["updated_at"]) == local(2026, 11, 27, 9, 0)
    history = public["history"]
    assert [h["sequence"] for h in history] == [1, 2, 2, 3]
    # instants in the history are Beijing time with their offset, like every API instant
    assert history[0]["changes"]["starts_at"] == [
        "2026-12-07T09:30:00+08:00",
        "2026-12-04T09:30:00+08:00",
    ]
    assert "开始时间：2026年12月7日 09:30 → 2026年12月4日 09:30" in history[0]["changes_zh"]
    assert history[0]["reason"] == "因工作安排提前"
    assert history[1]["changes"] == {"place": ["市政府第一会议室", "市民之家报告厅"]}
    assert history[3]["changes"]["status"] == ["scheduled", "cancelled"]
    assert history[3]["changes_zh"] == ["取消原因：议题调整，另行通知", "状态：按期召开 → 已取消"]
    page = client.get(f"/meetings/{mid}").text
    assert "已取消" in page and "议题调整，另行通知" in page and "变更记录" in page
    assert "市民之家报告厅" in page
    # the public history reads as people write: local times, Chinese words, no stored values
    assert "开始时间：2026年12月7日 09:30 → 2026年12月4日 09:30" in page
    assert "状态：按期召开 → 已取消" in page
    for stored in ("+00:00", "T01:30", "scheduled", "cancelled", "（无）"):
        assert stored not in page
    assert "申请列席会议" not in page
    listing = client.get("/meetings").text
    assert "已取消" in listing


def test_changes_before_publication_leave_no_history(
    client: TestClient, staff: Any, make_notice: Any
) -> None:
    notice = make_notice(publication_at=local(2026, 11, 30, 9, 0).isoformat())
    response = client.patch(
        f"/api/v1/staff/meetings/{notice['id']}",
        json={"place": "市政府第二会议室"},
        headers=staff.headers("editor"),
    )
    assert response.json()["sequence"] == 0


def test_withheld_is_never_public(
    client: TestClient, staff: Any, make_notice: Any, clock: Clock
) -> None:
    notice = make_notice(withheld=True, publication_at=local(2026, 11, 22, 9, 0).isoformat())
    assert client.get("/api/v1/meetings").json() == []
    assert client.get(f"/api/v1/meetings/{notice['id']}").status_code == 404
    assert client.get(f"/meetings/{notice['id']}").status_code == 404
    assert notice["title"] not in client.get("/meetings").text
    applied = client.post(
        f"/api/v1/meetings/{notice['id']}/applications",
        json={"applicant_name": "张三", "phone": "13800138000", "category": "citizen"},
    )
    assert applied.status_code == 404
    staff_view = client.get(
        f"/api/v1/staff/meetings/{notice['id']}", headers=staff.headers("editor")
    )
    assert staff_view.json()["withheld"] is True and staff_view.json()["public_now"] is False


def test_nulling_a_required_field_is_refused_and_changes_nothing(
    client: TestClient, staff: Any, make_notice: Any
) -> None:
    """Found by the fuzzer: `"kind": null` (or agenda, title…) was a 500."""
    notice = make_notice()
    path = f"/api/v1/staff/meetings/{notice['id']}"
    for body in ({"kind": None}, {"agenda": None, "place": "别处"}, {"capacity": None}):
        refused = client.patch(path, json=body, headers=staff.headers("editor"))
        assert refused.status_code == 422, refused.text
        assert "不能置空" in refused.json()["error"]["message_zh"]
    after = client.get(path, headers=staff.headers("editor")).json()
    assert (after["kind"], after["agenda"], after["place"], after["capacity"]) == (
        notice["kind"],
        notice["agenda"],
        notice["place"],
        notice["capacity"],
    )


def test_the_public_sees_when_the_notice_changed_publicly_and_no_places_once_cancelled(
    client: TestClient, staff: Any, make_notice: Any, clock: Clock
) -> None:
    """Issue #18: '最后更新 14:04' showed above '发布时间 14:20' (an edit before publication),
    and a cancelled meeting still offered '5 名（尚余 4 名）'."""
    notice = make_notice(publication_at=local(2026, 11, 30, 9, 0).isoformat())
    path, editor = f"/api/v1/staff/meetings/{notice['id']}", staff.headers("editor")
    clock.now = local(2026, 11, 23, 14, 4)
    assert client.patch(path, json={"place": "市政府第二会议室"}, headers=editor).status_code == 200
    clock.now = local(2026, 11, 30, 10, 0)
    public = client.get(f"/api/v1/meetings/{notice['id']}").json()
    assert public["updated_at"] == public["published_at"] == local(2026, 11, 30, 9, 0).isoformat()
    page = client.get(f"/meetings/{notice['id']}").text
    assert "最后更新" not in page and "公众参会名额" in page

    clock.now = local(2026, 12, 1, 16, 30)
    cancelled = client.post(f"{path}/cancel", json={"reason": "议题调整"}, headers=editor)
    assert cancelled.status_code == 200, cancelled.text
    public = client.get(f"/api/v1/meetings/{notice['id']}").json()
    assert public["updated_at"] == local(2026, 12, 1, 16, 30).isoformat()
    page = client.get(f"/meetings/{notice['id']}").text
    assert "最后更新</dt><dd>2026年12月1日 16:30" in page
    assert "公众参会名额" not in page and "尚余" not in page
