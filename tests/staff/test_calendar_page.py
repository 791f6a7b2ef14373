"""`/staff/calendar`: an administrator enters next year's arrangement from the State Council
notice, previews it as twelve months, installs it; the running service uses it at once."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from publisher.settings import Settings
from publisher.web.app import create_app
from publisher.workdays.models import InstalledYear
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


def _installed(client: TestClient) -> dict[int, str]:
    """The years installed in the database, as year-file text."""
    factory = client.app.state.session_factory  # type: ignore[attr-defined]
    with factory() as session:
        return {row.year: row.content for row in session.scalars(select(InstalledYear))}


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
    assert _installed(client) == {}  # a preview installs nothing

    installed = client.post(
        "/staff/calendar/install", data={**FORM, "csrf_token": csrf}, follow_redirects=False
    )
    assert installed.status_code == 303, installed.text
    assert not (_calendar_dir(client) / "2027.json").exists()  # the database, not the folder
    text = _installed(client)[2027]
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
    assert _installed(client) == {}
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
    assert '"2027-02-21"' in _installed(client)[2027]
    assert _audit_actions(client, staff) == ["calendar.install", "calendar.install"]


def test_only_admins_see_the_calendar_page(app_client: TestClient, staff: StaffFixture) -> None:
    client = app_client
    sign_in(client, "editor")
    assert client.get("/staff/calendar").status_code == 403


def test_a_refused_field_carries_its_reason_beside_it(
    app_client: TestClient, staff: StaffFixture
) -> None:
    client = app_client
    csrf = sign_in(client, "admin")
    for change, field_id in (
        ({"adjusted_workdays": "春节 2027-02-22"}, "c-adjusted"),  # a Monday
        ({"holidays": "春节 2027-02-30"}, "c-holidays"),
        ({"year": "二〇二七"}, "c-year"),
        ({"notice_title": " "}, "c-title"),
    ):
        refused = client.post(
            "/staff/calendar/preview", data={**FORM, **change, "csrf_token": csrf}
        )
        assert refused.status_code == 422
        assert f'id="{field_id}-error"' in refused.text, change
        assert f'aria-errormessage="{field_id}-error"' in refused.text, change


def test_a_year_installed_in_one_process_is_used_by_another(
    settings: Settings, staff: StaffFixture, tmp_path: Path
) -> None:
    """Two app instances on one database (as two worker processes, here on two machines with
    their own calendar folder): the admin installs 2027 in the first; the second, which had
    already built its calendar, uses 2027 at its next check."""
    live = settings.model_copy(update={"calendar_check_seconds": 0})
    other_folder = tmp_path / "machine-b" / "calendar"
    shutil.copytree(settings.calendar_dir, other_folder)
    first = create_app(live)
    second = create_app(live.model_copy(update={"calendar_dir": other_folder}))
    with (
        TestClient(first, base_url="http://testserver") as one,
        TestClient(second, base_url="http://testserver") as two,
    ):
        for client in (one, two):
            client.app.state.clock = Clock(local(2026, 12, 3, 10))  # type: ignore[attr-defined]
        editor = staff.headers("editor")
        body = notice_body(
            starts_at=local(2027, 1, 8, 9).isoformat(),
            ends_at=local(2027, 1, 8, 11).isoformat(),
            application_deadline=None,
        )
        meeting = two.post("/api/v1/staff/meetings", json=body, headers=editor).json()
        assert meeting["latest_publication"] is None  # the second process's calendar: no 2027

        csrf = sign_in(one, "admin")
        installed = one.post(
            "/staff/calendar/install", data={**FORM, "csrf_token": csrf}, follow_redirects=False
        )
        assert installed.status_code == 303, installed.text

        after = two.get(f"/api/v1/staff/meetings/{meeting['id']}", headers=editor).json()
        assert after["latest_publication"] == "2027-01-04T23:59:59+08:00"
    first.state.engine.dispose()
    second.state.engine.dispose()


def test_a_year_in_both_the_database_and_the_folder_is_the_database_s(
    app_client: TestClient, staff: StaffFixture
) -> None:
    """The folder is the base; an install (a correction of a bundled year) wins over it."""
    client = app_client
    csrf = sign_in(client, "admin")
    bundled = (_calendar_dir(client) / "2026.json").read_text(encoding="utf-8")
    corrected = {
        **FORM,
        "year": "2026",
        "notice_title": "国务院办公厅关于2026年部分节假日安排的通知（更正）",
        "holidays": "元旦 2026-01-01 2026-01-03\n国庆节 2026-10-01 2026-10-08",
        "adjusted_workdays": "",
    }
    refused = client.post(
        "/staff/calendar/install", data={**corrected, "csrf_token": csrf}, follow_redirects=False
    )
    assert refused.status_code == 409 and "替换" in refused.text  # the folder's 2026 is in force
    assert _installed(client) == {}
    replaced = client.post(
        "/staff/calendar/install",
        data={**corrected, "replace": "on", "csrf_token": csrf},
        follow_redirects=False,
    )
    assert replaced.status_code == 303, replaced.text
    calendar = client.app.state.calendar_source.current()  # type: ignore[attr-defined]
    assert calendar.holiday_name(dt.date(2026, 10, 8)) == "国庆节"  # the database's 2026
    assert calendar.is_working_day(dt.date(2026, 2, 16))  # the folder's Spring Festival: gone
    assert (_calendar_dir(client) / "2026.json").read_text(encoding="utf-8") == bundled
