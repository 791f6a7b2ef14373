"""`/staff/calendar`: an administrator enters next year's arrangement from the State Council
notice, previews it as twelve months, installs it; the running service uses it at once."""

from __future__ import annotations

import re
import stat
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from tests.support.bodies import notice_body
from tests.support.clock import Clock, local
from tests.support.staff import StaffFixture, sign_in

FORM = {
    "year": "2027",
    "notice_title": "国务院办公厅关于2027年部分节假日安排的通知",
    "notice_number": "国办发明电〔2026〕9号",
    "notice_url": "https://www.gov.cn/test-fixture/2027.html",
    "holidays": "元旦 2027-01-01 2027-01-03\n春节 2027-02-05至2027-02-11\n清明节 2027-04-05",
    "adjusted_workdays": "春节 2027-02-20",
}


def _calendar_dir(client: TestClient) -> Path:
    return Path(client.app.state.settings.calendar_dir)  # type: ignore[attr-defined]


def _audit_actions(client: TestClient, staff: StaffFixture) -> list[str]:
    events = client.get("/staff/audit.csv", headers=staff.headers("admin")).text
    return re.findall(r"calendar\.install", events)


def test_an_admin_enters_previews_and_installs_a_year_used_at_once(
    app_client: TestClient, staff: StaffFixture
) -> None:
    client = app_client
    client.app.state.clock = Clock(local(2026, 12, 3, 10))  # type: ignore[attr-defined]
    editor = staff.headers("editor")
    meeting = client.post(
        "/api/v1/staff/meetings",
        json=notice_body(
            starts_at=local(2027, 1, 8, 9).isoformat(),
            ends_at=local(2027, 1, 8, 11).isoformat(),
            application_deadline=None,
        ),
        headers=editor,
    ).json()
    assert meeting["latest_publication"] is None and "工作日历" in meeting["deadline_unknown_zh"]

    csrf = sign_in(client, "admin")
    page = client.get("/staff/calendar")
    assert page.status_code == 200 and 'value="2027"' in page.text  # the next year, prefilled
    preview = client.post("/staff/calendar/preview", data={**FORM, "csrf_token": csrf})
    assert preview.status_code == 200, preview.text
    for month in range(1, 13):
        assert f"<caption>2027年{month}月</caption>" in preview.text
    assert (
        '休<span class="name">春节' in preview.text and '班<span class="name">春节' in preview.text
    )
    assert not (_calendar_dir(client) / "2027.json").exists()  # a preview installs nothing

    installed = client.post(
        "/staff/calendar/install", data={**FORM, "csrf_token": csrf}, follow_redirects=False
    )
    assert installed.status_code == 303, installed.text
    year_file = _calendar_dir(client) / "2027.json"
    assert stat.S_IMODE(year_file.stat().st_mode) == 0o644
    text = year_file.read_text(encoding="utf-8")
    assert "国办发明电〔2026〕9号" in text and '"2027-02-08"' in text  # a weekday of the period
    assert '"2027-02-06"' not in text  # Saturday: a rest day anyway, not listed
    assert _audit_actions(client, staff) == ["calendar.install"]

    # the running service uses it: the meeting's deadline is known and it can be published
    after = client.get(f"/api/v1/staff/meetings/{meeting['id']}", headers=editor).json()
    assert after["latest_publication"] == "2027-01-04T23:59:59+08:00"
    assert "2027年" in client.get("/staff/calendar").text


def test_a_wrong_form_comes_back_whole_with_the_reason_and_installs_nothing(
    app_client: TestClient, staff: StaffFixture
) -> None:
    client = app_client
    csrf = sign_in(client, "admin")
    cases: list[tuple[dict[str, Any], str]] = [
        ({"holidays": "春节 2027-02-30"}, "日期不存在"),
        ({"holidays": "春节 2027-02-11 2027-02-05"}, "结束日期早于起始日期"),
        ({"holidays": "春节二月五日"}, "格式不对"),
        ({"adjusted_workdays": "春节 2027-02-22"}, "必须是周六或周日"),  # a Monday
        ({"holidays": "元旦 2028-01-01"}, "不在2027年内"),
        ({"notice_url": "gov.cn/x"}, "网址"),
        ({"holidays": ""}, "至少填写一段"),
    ]
    for change, reason in cases:
        form = {**FORM, **change, "csrf_token": csrf}
        for step in ("preview", "install"):
            refused = client.post(f"/staff/calendar/{step}", data=form, follow_redirects=False)
            assert refused.status_code == 422, (change, refused.status_code)
            assert reason in refused.text, (change, reason)
            assert FORM["notice_title"] in refused.text  # what was typed is kept
    assert not (_calendar_dir(client) / "2027.json").exists()
    assert _audit_actions(client, staff) == []


def test_an_installed_year_is_replaced_only_when_asked(
    app_client: TestClient, staff: StaffFixture
) -> None:
    client = app_client
    csrf = sign_in(client, "admin")
    first = client.post(
        "/staff/calendar/install", data={**FORM, "csrf_token": csrf}, follow_redirects=False
    )
    assert first.status_code == 303
    again = client.post(
        "/staff/calendar/install", data={**FORM, "csrf_token": csrf}, follow_redirects=False
    )
    assert again.status_code == 303  # the same arrangement again: nothing changes
    corrected = {**FORM, "adjusted_workdays": "春节 2027-02-21", "csrf_token": csrf}
    refused = client.post("/staff/calendar/install", data=corrected, follow_redirects=False)
    assert refused.status_code == 409 and "替换" in refused.text
    replaced = client.post(
        "/staff/calendar/install",
        data={**corrected, "replace": "on"},
        follow_redirects=False,
    )
    assert replaced.status_code == 303
    assert '"2027-02-21"' in (_calendar_dir(client) / "2027.json").read_text(encoding="utf-8")
    assert _audit_actions(client, staff) == ["calendar.install", "calendar.install"]


def test_only_admins_see_the_calendar_page(app_client: TestClient, staff: StaffFixture) -> None:
    client = app_client
    sign_in(client, "editor")
    assert client.get("/staff/calendar").status_code == 403
