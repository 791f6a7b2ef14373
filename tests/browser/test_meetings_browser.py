"""A citizen applies on the meeting page, staff approve via the API, the status page says so."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page

from publisher.timeutil import LOCAL_TZ, now_utc
from tests.browser.conftest import assert_accessible


@pytest.fixture
def api(live_server: str) -> Iterator[httpx.Client]:
    """The staff calls, allowing for a machine busy with other tests (httpx's default: 5 s)."""
    with httpx.Client(base_url=live_server, timeout=30) as client:
        yield client


def test_apply_approve_and_look_up(
    page: Page, live_server: str, staff: Any, api: httpx.Client
) -> None:
    # three weeks from today: the executive meeting's 1-working-day lead is always met now
    today = now_utc().astimezone(LOCAL_TZ).date()
    start = dt.datetime.combine(today + dt.timedelta(days=21), dt.time(9, 30), tzinfo=LOCAL_TZ)
    body = {
        "kind": "executive",
        "title": "市政府第二十次常务会议",
        "starts_at": start.isoformat(),
        "ends_at": (start + dt.timedelta(hours=2)).isoformat(),
        "place": "市政府第一会议室",
        "agenda": "研究冬季供暖保障工作",
        "participation": "在本页面提交参会申请，经审核后通知。",
        "capacity": 5,
        "publication_at": (now_utc() - dt.timedelta(minutes=1)).isoformat(),
    }
    created = api.post("/api/v1/staff/meetings", json=body, headers=staff.headers("editor"))
    assert created.status_code == 201, created.text
    mid = created.json()["id"]

    page.goto(f"{live_server}/meetings/{mid}")
    assert_accessible(page)
    page.get_by_label("姓名（必填）").fill("赵代表")
    page.get_by_label("联系电话（必填）").fill("13712345678")
    page.get_by_label("代表类别（必填）").select_option("deputy_or_member")
    page.get_by_label("希望发表的意见或关注的问题").fill("供暖收费标准")
    page.get_by_role("button", name="提交申请").click()
    code = page.locator("#receipt-code").inner_text().strip()
    assert code.startswith("CH-")

    queue = api.get(
        f"/api/v1/staff/meetings/{mid}/applications",
        headers=staff.headers("reviewer"),
    ).json()
    decided = api.post(
        f"/api/v1/staff/meetings/{mid}/applications/{queue[0]['id']}/decision",
        json={"approve": True, "note": "请携带身份证件"},
        headers=staff.headers("reviewer"),
    )
    assert decided.status_code == 200

    page.goto(f"{live_server}/applications/status")
    page.get_by_label("回执码").fill(code)
    page.get_by_role("button", name="查询").click()
    assert page.locator("#application-status").inner_text().strip() == "已同意"
    assert code not in page.url
    assert_accessible(page)
