"""A member of staff signs in to the staff pages and signs out, in a real browser."""

from __future__ import annotations

import datetime as dt

from playwright.sync_api import Page, expect

from tests.browser.conftest import assert_accessible
from tests.support.staff import StaffFixture


def test_sign_in_and_sign_out(page: Page, live_server: str, staff: StaffFixture) -> None:
    page.goto(live_server + "/staff/accounts")
    # not signed in: the sign-in form, remembering where we wanted to go
    expect(page.locator("h1")).to_have_text("工作人员登录")
    assert_accessible(page)
    page.get_by_label("用户名").fill("admin")
    page.get_by_label("密码").fill("wrong password")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("alert")).to_contain_text("用户名或密码错误")

    page.get_by_label("用户名").fill("admin")
    page.get_by_label("密码").fill(StaffFixture.PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.locator("h1")).to_have_text("账号与令牌")
    assert page.url.endswith("/staff/accounts")
    expect(page.get_by_text("工作人员：测试管理员（管理员）")).to_be_visible()
    assert_accessible(page)

    cookie = next(c for c in page.context.cookies() if c["name"] == "smx_staff")
    assert cookie["httpOnly"] is True and cookie["sameSite"] == "Lax"

    page.get_by_role("button", name="退出登录").click()
    expect(page.locator("h1")).to_have_text("工作人员登录")
    assert not [c for c in page.context.cookies() if c["name"] == "smx_staff"]
    page.goto(live_server + "/staff/")
    expect(page.locator("h1")).to_have_text("工作人员登录")


def test_admin_creates_an_account_and_a_token_shown_once(
    page: Page, live_server: str, staff: StaffFixture
) -> None:
    page.goto(live_server + "/staff/login")
    page.get_by_label("用户名").fill("admin")
    page.get_by_label("密码").fill(StaffFixture.PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.goto(live_server + "/staff/accounts")
    page.locator("#new-username").fill("clerk")
    page.locator("#new-display").fill("王文书")
    page.locator("#new-role").select_option("editor")
    page.locator("#new-password").fill("a-long-enough-password")
    page.get_by_role("button", name="创建账号").click()
    expect(page.get_by_role("status")).to_have_text("账号已创建。")
    expect(page.get_by_role("cell", name="王文书")).to_be_visible()

    row = page.get_by_role("row").filter(has_text="王文书")
    row.get_by_label("用途").fill("数据导出")
    row.get_by_role("button", name="生成令牌").click()
    token = page.locator("#token").input_value()
    assert token.startswith("smx_")
    assert_accessible(page)
    page.goto(live_server + "/staff/accounts")
    assert token not in page.content()


def test_admin_enters_next_year_previews_it_and_installs_it(
    page: Page, live_server: str, staff: StaffFixture
) -> None:
    """The calendar page at desktop and phone widths: form, twelve-month preview, install.
    The year is the one the page proposes (the first not installed)."""
    page.goto(live_server + "/staff/login")
    page.get_by_label("用户名").fill("admin")
    page.get_by_label("密码").fill(StaffFixture.PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.goto(live_server + "/staff/calendar")
    expect(page.locator("h1")).to_have_text("工作日历")
    assert_accessible(page)
    year = int(page.get_by_label("年份").input_value())
    saturday = next(
        dt.date(year, 2, d) for d in range(12, 20) if dt.date(year, 2, d).weekday() == 5
    )
    page.get_by_label("通知标题").fill(f"国务院办公厅关于{year}年部分节假日安排的通知")
    page.get_by_label("发文字号").fill(f"国办发明电〔{year - 1}〕9号")
    page.get_by_label("通知网址").fill(f"https://www.gov.cn/test-fixture/{year}.html")
    page.get_by_label("放假安排（每行一段：名称 起始日期 结束日期）").fill(
        f"元旦 {year}-01-01 {year}-01-03\n春节 {year}-02-05 {year}-02-11"
    )
    page.get_by_label("调休上班日（每行一天：名称 日期）").fill(f"春节 {saturday.isoformat()}")
    page.get_by_role("button", name="预览").click()
    expect(page.get_by_role("table", name=f"{year}年2月")).to_be_visible()
    assert_accessible(page)
    for width, height in ((1280, 900), (375, 740)):
        page.set_viewport_size({"width": width, "height": height})
        overflow = page.evaluate(
            "document.documentElement.scrollWidth > document.documentElement.clientWidth"
        )
        assert not overflow, f"sideways scrolling at {width}px"
    page.get_by_role("button", name=f"装入{year}年安排").click()
    expect(page.get_by_role("status")).to_contain_text(f"{year}年的节假日安排已装入")
    expect(page.get_by_role("cell", name=str(year), exact=True)).to_be_visible()


def test_a_reviewer_reads_the_self_inspection_at_desktop_and_phone_widths(
    page: Page, live_server: str, staff: StaffFixture
) -> None:
    """#22 item 5: the report, its veto banner and its CSV link, accessible at both widths."""
    page.goto(live_server + "/staff/login")
    page.get_by_label("用户名").fill("reviewer")
    page.get_by_label("密码").fill(StaffFixture.PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.get_by_role("link", name="网站自查").click()
    expect(page.locator("h1")).to_have_text("网站自查")
    # an empty test site: the home page has nothing new, a veto indicator
    expect(page.get_by_role("alert")).to_contain_text("单项否决指标未通过：首页更新")
    expect(page.get_by_role("cell", name="空白栏目", exact=True)).to_be_visible()
    for width, height in ((1280, 900), (375, 740)):
        page.set_viewport_size({"width": width, "height": height})
        assert_accessible(page)
        assert not page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
    with page.expect_download() as download:
        page.get_by_role("link", name="下载自查报告（CSV，可用 Excel 打开）").click()
    assert download.value.suggested_filename == "self-inspection.csv"
