"""The public record of meetings stays true (issue #12): no backdating, refusals write nothing,
a published notice never vanishes without trace."""

from __future__ import annotations

from typing import Any

import feedparser
import icalendar
import pytest
from fastapi.testclient import TestClient

from tests.support.bodies import notice_body
from tests.support.clock import Clock, local
from tests.support.snapshot import database_rows

STAFF = "/api/v1/staff/meetings"


def _create(client: TestClient, staff: Any, **body: Any) -> Any:
    return client.post(STAFF, json=notice_body(**body), headers=staff.headers("editor"))


def test_a_backdated_publication_is_refused_and_the_rule_is_checked_at_the_real_moment(
    client: TestClient, staff: Any, clock: Clock
) -> None:
    """The reported case: on 12-03 14:03 a plenary meeting on 12-08 (latest lawful
    publication 12-02 23:59) was "published" on 12-01 09:00 and became public at once."""
    clock.now = local(2026, 12, 3, 14, 3)
    meeting = {
        "starts_at": local(2026, 12, 8, 9, 0).isoformat(),
        "ends_at": local(2026, 12, 8, 11, 0).isoformat(),
        "application_deadline": local(2026, 12, 7, 17, 0).isoformat(),
    }
    engine = client.app.state.engine  # type: ignore[attr-defined]
    before = database_rows(engine)
    backdated = _create(
        client, staff, publication_at=local(2026, 12, 1, 9, 0).isoformat(), **meeting
    )
    assert backdated.status_code == 422, backdated.text
    error = backdated.json()["error"]
    assert "不能倒签" in error["message_zh"] and "backdated" in error["message"]
    assert error["details"]["field"] == "publication_at"
    assert "年" not in error["message"]  # English messages carry no Chinese dates
    # a time a few minutes ago counts as now, and now is too late for this meeting
    just_now = _create(
        client, staff, publication_at=local(2026, 12, 3, 14, 0).isoformat(), **meeting
    )
    assert just_now.status_code == 422
    assert just_now.json()["error"]["code"] == "rule_violation"
    assert "12月2日" in just_now.json()["error"]["message_zh"]
    assert database_rows(engine) == before
    assert client.get("/api/v1/meetings").json() == []

    # the same through publish on a prepared notice, and for a meeting already held
    prepared = _create(client, staff, **meeting).json()
    held = _create(
        client,
        staff,
        starts_at=local(2026, 11, 30, 9, 0).isoformat(),
        ends_at=local(2026, 11, 30, 11, 0).isoformat(),
        application_deadline=None,
    ).json()
    for notice, when in ((prepared, local(2026, 12, 1, 9)), (held, local(2026, 11, 20, 9))):
        refused = client.post(
            f"{STAFF}/{notice['id']}/publish",
            json={"publication_at": when.isoformat()},
            headers=staff.headers("editor"),
        )
        assert refused.status_code == 422, refused.text
        now_too_late = client.post(
            f"{STAFF}/{notice['id']}/publish", json={}, headers=staff.headers("editor")
        )
        assert now_too_late.status_code == 422
        assert now_too_late.json()["error"]["code"] == "rule_violation"
    assert client.get("/api/v1/meetings").json() == []
    assert feedparser.parse(client.get("/feeds/meetings.rss").content).entries == []


def test_published_at_is_the_real_moment_never_earlier(
    client: TestClient, staff: Any, clock: Clock
) -> None:
    clock.now = local(2026, 11, 23, 9, 0)
    created = _create(client, staff, publication_at=local(2026, 11, 23, 8, 57).isoformat())
    assert created.status_code == 201, created.text
    assert created.json()["published_at"] == "2026-11-23T09:00:00+08:00"
    later = _create(client, staff, publication_at=local(2026, 11, 24, 10, 0).isoformat())
    assert later.json()["published_at"] == "2026-11-24T10:00:00+08:00"
    prepared = _create(client, staff).json()
    now = client.post(f"{STAFF}/{prepared['id']}/publish", json={}, headers=staff.headers("editor"))
    assert now.status_code == 200 and now.json()["published_at"] == "2026-11-23T09:00:00+08:00"
    public = client.get(f"/api/v1/meetings/{created.json()['id']}").json()
    assert public["published_at"] == "2026-11-23T09:00:00+08:00"


def test_a_meeting_in_a_year_not_loaded_is_kept_and_listed_with_its_deadline_unknown(
    client: TestClient, staff: Any, clock: Clock
) -> None:
    """It was a 422 that saved the meeting, after which every staff list answered 422."""
    clock.now = local(2026, 12, 3, 10, 0)
    january = {
        "starts_at": local(2027, 1, 8, 9, 0).isoformat(),
        "ends_at": local(2027, 1, 8, 11, 0).isoformat(),
        "application_deadline": local(2027, 1, 7, 17, 0).isoformat(),
    }
    engine = client.app.state.engine  # type: ignore[attr-defined]
    before = database_rows(engine)
    scheduled = _create(client, staff, publication_at=local(2026, 12, 4, 9).isoformat(), **january)
    assert scheduled.status_code == 422
    assert scheduled.json()["error"]["code"] == "calendar_not_covered"
    assert database_rows(engine) == before  # the refusal wrote nothing

    created = _create(client, staff, **january)
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["latest_publication"] is None
    assert "2027" in body["deadline_unknown_zh"] and "2027" in body["deadline_unknown_en"]
    _create(client, staff)  # an ordinary meeting beside it
    listed = client.get(STAFF, headers=staff.headers("editor"))
    assert listed.status_code == 200 and len(listed.json()) == 2
    one = client.get(f"{STAFF}/{body['id']}", headers=staff.headers("editor"))
    assert one.status_code == 200 and one.json()["deadline_unknown_zh"]
    page = client.get(f"/staff/meetings/{body['id']}", headers=staff.headers("editor"))
    assert page.status_code == 200 and "2027" in page.text
    before = database_rows(engine)
    publish = client.post(f"{STAFF}/{body['id']}/publish", json={}, headers=staff.headers("editor"))
    assert publish.status_code == 422
    assert database_rows(engine) == before


def test_a_published_notice_cannot_vanish_it_is_withdrawn_on_the_record(
    client: TestClient, staff: Any, clock: Clock
) -> None:
    editor = staff.headers("editor")
    notice = _create(client, staff, publication_at=local(2026, 11, 22, 9).isoformat()).json()
    path = f"{STAFF}/{notice['id']}"
    clock.now = local(2026, 11, 23, 10, 0)
    first_ics = icalendar.Calendar.from_ical(client.get("/feeds/meetings.ics").content)
    (event,) = [c for c in first_ics.walk("VEVENT")]
    assert str(event["STATUS"]) == "CONFIRMED"

    hidden = client.patch(path, json={"withheld": True}, headers=editor)
    assert hidden.status_code == 409, hidden.text
    assert "撤回" in hidden.json()["error"]["message_zh"]
    assert client.get(f"/api/v1/meetings/{notice['id']}").status_code == 200
    no_reason = client.post(f"{path}/withdraw", json={"reason": " "}, headers=editor)
    assert no_reason.status_code == 422

    withdrawn = client.post(f"{path}/withdraw", json={"reason": "依法需要保密"}, headers=editor)
    assert withdrawn.status_code == 200, withdrawn.text
    assert withdrawn.json()["status"] == "withdrawn"
    assert withdrawn.json()["withdrawn_at"] == "2026-11-23T10:00:00+08:00"

    public = client.get(f"/api/v1/meetings/{notice['id']}").json()
    assert public["status_label"] == "已撤回" and public["withdrawal_reason"] == "依法需要保密"
    assert public["title"] == notice["title"] and public["withdrawn_at"].startswith("2026-11-23")
    assert public["place"] == "" and public["agenda"] == "" and public["history"] == []
    assert [n["id"] for n in client.get("/api/v1/meetings").json()] == [notice["id"]]
    page = client.get(f"/meetings/{notice['id']}").text
    assert "本预告已撤回" in page and "依法需要保密" in page and "2026年11月23日 10:00" in page
    assert notice["place"] not in page and "民生实事" not in page
    assert "已撤回" in client.get("/meetings").text

    calendar = icalendar.Calendar.from_ical(client.get("/feeds/meetings.ics").content)
    (cancelled,) = [c for c in calendar.walk("VEVENT")]
    assert str(cancelled["UID"]) == str(event["UID"])
    assert str(cancelled["STATUS"]) == "CANCELLED"
    assert int(str(cancelled["SEQUENCE"])) > int(str(event["SEQUENCE"]))
    assert "LOCATION" not in cancelled and "民生实事" not in str(cancelled["DESCRIPTION"])
    rss = feedparser.parse(client.get("/feeds/meetings.rss").content)
    titles = [entry.title for entry in rss.entries]
    assert any(t.startswith("【已撤回】") for t in titles)
    assert "民生实事" not in client.get("/feeds/meetings.rss").text

    applied = client.post(
        f"/api/v1/meetings/{notice['id']}/applications",
        json={"applicant_name": "张三", "phone": "13800138000", "category": "citizen"},
    )
    assert applied.status_code == 422 and "已撤回" in applied.json()["error"]["message_zh"]
    for again in (
        client.post(f"{path}/withdraw", json={"reason": "再次"}, headers=editor),
        client.post(f"{path}/cancel", json={"reason": "取消"}, headers=editor),
        client.patch(path, json={"place": "别处"}, headers=editor),
    ):
        assert again.status_code == 409


def test_a_notice_not_yet_public_is_not_withdrawn_but_may_be_withheld(
    client: TestClient, staff: Any, clock: Clock
) -> None:
    editor = staff.headers("editor")
    notice = _create(client, staff, publication_at=local(2026, 11, 25, 9).isoformat()).json()
    path = f"{STAFF}/{notice['id']}"
    refused = client.post(f"{path}/withdraw", json={"reason": "依法需要保密"}, headers=editor)
    assert refused.status_code == 409 and "尚未公开" in refused.json()["error"]["message_zh"]
    assert client.patch(path, json={"withheld": True}, headers=editor).status_code == 200
    clock.now = local(2026, 11, 26, 9, 0)
    assert client.get(f"/api/v1/meetings/{notice['id']}").status_code == 404


def test_withdrawal_from_the_staff_page(client: TestClient, staff: Any) -> None:
    from tests.support.staff import sign_in

    notice = _create(client, staff, publication_at=local(2026, 11, 22, 9).isoformat()).json()
    csrf = sign_in(client, "editor")
    detail = client.get(f"/staff/meetings/{notice['id']}").text
    assert "撤回预告" in detail and 'name="confirm" value="1" required' in detail
    unconfirmed = client.post(
        f"/staff/meetings/{notice['id']}/withdraw",
        data={"csrf_token": csrf, "reason": "依法需要保密"},
        follow_redirects=False,
    )
    assert unconfirmed.status_code == 422 and "请先勾选确认框再撤回预告" in unconfirmed.text
    assert "已于" not in client.get(f"/staff/meetings/{notice['id']}").text  # nothing written
    done = client.post(
        f"/staff/meetings/{notice['id']}/withdraw",
        data={"csrf_token": csrf, "reason": "依法需要保密", "confirm": "1"},
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text
    after = client.get(f"/staff/meetings/{notice['id']}").text
    assert "撤回（依法需要保密）" in after


def test_a_late_december_deadline_is_marked_provisional_in_the_api_and_the_page(
    client: TestClient, staff: Any, clock: Clock
) -> None:
    clock.now = local(2026, 12, 3, 10, 0)
    created = _create(
        client,
        staff,
        starts_at=local(2026, 12, 28, 9).isoformat(),
        ends_at=local(2026, 12, 28, 11).isoformat(),
        application_deadline=None,
    ).json()
    assert created["deadline_provisional"] is True
    assert "以2027年节假日安排发布为准" in created["rule_explanation_zh"]
    page = client.get(f"/staff/meetings/{created['id']}", headers=staff.headers("editor"))
    assert "以2027年节假日安排发布为准" in page.text
    early = _create(client, staff).json()  # 12-07: nothing in late December
    assert early["deadline_provisional"] is False


def test_a_year_installed_while_the_service_runs_is_used_at_once(
    client: TestClient, staff: Any, clock: Clock
) -> None:
    """After `calendar load` the running service used to keep the calendar it started with."""
    from publisher.rules.calendar_data import parse_year_file, write_year_file

    clock.now = local(2026, 12, 3, 10, 0)
    settings = client.app.state.settings  # type: ignore[attr-defined]
    notice = _create(
        client,
        staff,
        starts_at=local(2027, 1, 8, 9).isoformat(),
        ends_at=local(2027, 1, 8, 11).isoformat(),
        application_deadline=None,
    ).json()
    path = f"{STAFF}/{notice['id']}/publish"
    refused = client.post(path, json={}, headers=staff.headers("editor"))
    assert refused.status_code == 422
    message = refused.json()["error"]["message_zh"]
    assert "请系统管理员" in message and str(settings.calendar_dir) in message
    year_2027 = {
        "year": 2027,
        "days_off": [{"date": "2027-01-01", "name": "元旦"}],
        "adjusted_workdays": [],
        "source": {
            "notice_title": "国务院办公厅关于2027年部分节假日安排的通知",
            "notice_url": "https://www.gov.cn/test-fixture/2027.html",
            "built_from": "operator: test fixture",
        },
    }
    import json

    write_year_file(parse_year_file(json.dumps(year_2027), "2027.json"), settings.calendar_dir)
    published = client.post(path, json={}, headers=staff.headers("editor"))
    assert published.status_code == 200, published.text
    assert published.json()["latest_publication"].startswith("2027-01-04")


def test_the_lead_per_kind_is_a_setting_shown_on_the_staff_page_and_the_rule_floor_holds(
    settings: Any, staff: Any
) -> None:
    import pydantic

    from publisher.settings import Settings
    from publisher.web.app import create_app

    with pytest.raises(pydantic.ValidationError, match="NOTICE_LEAD_DAYS"):
        Settings(**{**settings.model_dump(), "notice_lead_days": {"plenary": 2}})
    with pytest.raises(pydantic.ValidationError, match="NOTICE_LEAD_DAYS"):
        Settings(**{**settings.model_dump(), "notice_lead_days": {"gala": 2}})
    app = create_app(settings.model_copy(update={"notice_lead_days": {"executive": 2}}))
    app.state.clock = Clock(local(2026, 11, 22, 9))
    with TestClient(app, base_url="http://testserver") as client:
        executive = client.post(
            STAFF,
            json=notice_body(kind="executive"),  # Monday 12-07: 2 working days, 12-03 and 12-04
            headers=staff.headers("editor"),
        ).json()
        assert executive["latest_publication"] == "2026-12-02T23:59:59+08:00"
        page = client.get("/staff/meetings", headers=staff.headers("editor")).text
        assert "市政府常务会议</td><td>2 个工作日" in page
        assert "市政府全体会议</td><td>3 个工作日" in page and "民法典》第二百零一条" in page
    app.state.engine.dispose()
