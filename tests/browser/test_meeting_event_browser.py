"""Issue #17 done-when, in a real browser: a notice with four agenda items → applications
with a waiting list → promotion → check-in at the door → the outcome published, and seen on
the page, in RSS/Atom (feedparser) and in the calendar event (icalendar). Every page passes
axe at desktop and phone widths."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import feedparser
import httpx
import icalendar
import pytest
from playwright.sync_api import FilePayload, Page, ViewportSize, expect

from publisher.settings import Settings
from publisher.web.app import create_app
from tests.browser.conftest import assert_accessible
from tests.consultation.test_attachments import make_pdf
from tests.harness.live_server import serve_in_thread
from tests.support.bodies import notice_body
from tests.support.clock import MEETINGS_NOW, Clock, local
from tests.support.staff import StaffFixture

DESKTOP = ViewportSize(width=1280, height=900)
PHONE = ViewportSize(width=375, height=740)
ITEMS = [
    ("审议《三门峡市2027年民生实事方案》", "听取市发展改革委汇报", "征求意见稿 民生实事方案 12"),
    ("研究城区停车管理办法", "", "公报文件 三政办〔2018〕45号 /documents/3"),
    ("研究冬季供暖保障工作", "", ""),
    ("其他事项", "", ""),
]


@pytest.fixture
def clock() -> Clock:
    return Clock(MEETINGS_NOW)


@pytest.fixture
def server(settings: Settings, clock: Clock) -> Iterator[str]:
    """The service on a clock the test moves: from the notice to after the meeting."""
    app = create_app(settings)
    app.state.clock = clock
    with serve_in_thread(app) as base:
        yield base
    app.state.engine.dispose()


@pytest.fixture
def api(server: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server, timeout=30) as client:
        yield client


def _checked(page: Page) -> None:
    for size in (DESKTOP, PHONE):
        page.set_viewport_size(size)
        assert_accessible(page)
    page.set_viewport_size(DESKTOP)


def _apply(page: Page, base: str, mid: int, name: str, phone: str) -> str:
    page.goto(f"{base}/meetings/{mid}")
    page.get_by_label("姓名（必填）").fill(name)
    page.get_by_label("联系电话（必填）").fill(phone)
    page.get_by_label("关注的议题（可不选）").select_option(label="3. 研究冬季供暖保障工作")
    page.locator("form.application-form button[type=submit]").click()
    return page.locator("#receipt-code").inner_text().strip()


def _status(page: Page, base: str, code: str) -> None:
    page.goto(f"{base}/applications/status")
    page.get_by_label("回执码").fill(code)
    page.get_by_role("button", name="查询").click()


def test_notice_waiting_list_promotion_check_in_and_outcome(
    page: Page, server: str, api: httpx.Client, staff: StaffFixture, clock: Clock
) -> None:
    body = notice_body(publication_at=local(2026, 11, 22, 9, 0).isoformat(), capacity=1)
    created = api.post("/api/v1/staff/meetings", json=body, headers=staff.headers("editor"))
    assert created.status_code == 201, created.text
    mid = created.json()["id"]

    # staff write the four agenda items on their page
    page.goto(server + "/staff/login")
    page.get_by_label("用户名").fill("reviewer")
    page.get_by_label("密码").fill(StaffFixture.PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.goto(f"{server}/staff/meetings/{mid}/agenda")
    _checked(page)
    for n, (title, description, documents) in enumerate(ITEMS, start=1):
        page.locator(f"#t-{n}").fill(title)
        page.locator(f"#d-{n}").fill(description)
        page.locator(f"#f-{n}").fill(documents)
    page.get_by_role("button", name="保存议题").click()
    expect(page.get_by_role("status")).to_contain_text("议题已保存")
    # a file for item 3 by the upload form under it; the page with its forms passes axe
    _checked(page)
    pdf = make_pdf("Heating plan")
    payload = FilePayload(name="供暖方案.pdf", mimeType="application/pdf", buffer=pdf)
    page.locator("#u-title-3").fill("供暖保障方案")
    page.locator("#u-file-3").set_input_files(files=[payload])
    page.locator("form.agenda-upload").nth(2).get_by_role("button", name="上传").click()
    expect(page.get_by_role("status")).to_contain_text("文件已上传")

    # the public page: a numbered list; the first applicant takes the only place
    page.goto(f"{server}/meetings/{mid}")
    expect(page.locator("#agenda-items > li")).to_have_count(4)
    expect(page.locator("#item-1 a")).to_have_attribute("href", "/consultations/12")
    file_link = page.locator("#item-3 .agenda-documents a")
    expect(file_link).to_have_text("供暖保障方案")
    href = file_link.get_attribute("href")
    assert href is not None and api.get(href).content == pdf
    _checked(page)
    first = _apply(page, server, mid, "钱代表", "13712340001")
    # full: the page says so before anyone types, and offers the waiting list
    page.goto(f"{server}/meetings/{mid}")
    expect(page.locator("#waiting-list-notice")).to_contain_text("名额已满")
    expect(page.locator("#places")).to_contain_text("可登记候补")
    _checked(page)
    second = _apply(page, server, mid, "孙代表", "13712340002")
    expect(page.locator("#waitlisted")).to_be_visible()
    _checked(page)

    # the first gives the place up: the second moves up by itself
    _status(page, server, first)
    page.get_by_role("button", name="放弃参会").click()
    expect(page.locator("#application-status")).to_contain_text("已放弃")
    _status(page, server, second)
    expect(page.locator("#application-status")).to_contain_text("待审核")

    queue = api.get(
        f"/api/v1/staff/meetings/{mid}/applications", headers=staff.headers("reviewer")
    ).json()
    (promoted,) = [a for a in queue if a["receipt_code"] == second]
    decided = api.post(
        f"/api/v1/staff/meetings/{mid}/applications/{promoted['id']}/decision",
        json={"approve": True, "note": "请携带身份证件"},
        headers=staff.headers("reviewer"),
    )
    assert decided.status_code == 200, decided.text
    page.goto(f"{server}/staff/meetings/{mid}")
    expect(page.get_by_role("link", name="现场签到与名单")).to_be_visible()
    _checked(page)
    _status(page, server, second)
    code = page.locator("#checkin-code").inner_text().strip()
    expect(page.get_by_role("img", name="签到二维码")).to_be_visible()
    _checked(page)

    # at the door, the morning of the meeting
    clock.now = local(2026, 12, 7, 9, 20)
    page.goto(f"{server}/staff/meetings/{mid}/checkin")
    page.get_by_label("签到码（录入或扫描二维码）").fill(code.lower())
    page.get_by_role("button", name="签到").click()
    expect(page.locator("#checkin-result")).to_contain_text("签到成功")
    expect(page.locator("#checked-in-count")).to_have_text("1")
    _checked(page)

    # after it, the outcome
    clock.now = local(2026, 12, 7, 12, 0)
    sequence = _sequence(api)
    page.goto(f"{server}/staff/meetings/{mid}/outcome")
    _checked(page)
    page.get_by_label("类型", exact=True).select_option("minutes")
    page.get_by_label("内容", exact=True).fill("会议审议通过了2027年民生实事方案。")
    page.get_by_label("第 1 项“审议《三门峡市2027年民生实事方案》”的决定").fill("原则通过。")
    page.get_by_label("相关文件（每行“类型 名称 链接”）").fill("公报文件 民生实事方案 /documents/9")
    page.get_by_role("button", name="发布会议情况").click()
    expect(page.get_by_role("status")).to_contain_text("会议情况已发布")

    page.goto(f"{server}/meetings/{mid}")
    expect(page.locator("#outcome-summary")).to_have_text("会议审议通过了2027年民生实事方案。")
    expect(page.locator("#outcome-attended")).to_have_text("1")
    expect(page.locator("#item-1 .agenda-decision")).to_contain_text("原则通过")
    _checked(page)

    rss = feedparser.parse(api.get("/feeds/meetings.rss").content)
    atom = feedparser.parse(api.get("/feeds/meetings.atom").content)
    for feed in (rss, atom):
        (minutes,) = [e for e in feed.entries if e.title.startswith("【会议纪要】")]
        assert "会议审议通过了2027年民生实事方案。" in minutes.summary
        assert "列席的社会公众代表共1人" in minutes.summary
        assert any("4. 其他事项" in e.summary for e in feed.entries)
    event = _event(api)
    assert int(str(event["SEQUENCE"])) == sequence + 1
    assert "会议审议通过了2027年民生实事方案。" in str(event["DESCRIPTION"])
    assert "孙代表" not in str(event["DESCRIPTION"])


def _event(api: httpx.Client) -> Any:
    calendar = icalendar.Calendar.from_ical(api.get("/feeds/meetings.ics").content)
    (event,) = calendar.walk("VEVENT")
    return event


def _sequence(api: httpx.Client) -> int:
    return int(str(_event(api)["SEQUENCE"]))
