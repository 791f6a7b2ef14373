"""The 政府信息公开 metadata block of a document page and the staff page that marks a document
已废止, in Chromium at desktop and phone widths, in both modes: axe-core finds nothing."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect
from sqlalchemy.orm import Session

from publisher.documents.store import load_bundled_data
from publisher.settings import Settings
from tests.browser.test_care_mode_browser import DESKTOP, PHONE, axe_violations
from tests.support.staff import StaffFixture


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_staff_mark_a_document_repealed_and_the_page_says_so(
    browser: Browser,
    live_server: str,
    settings: Settings,
    db: Session,
    staff: StaffFixture,
    width: str,
) -> None:
    load_bundled_data(settings, db)
    viewport = DESKTOP if width == "desktop" else PHONE
    context = browser.new_context(locale="zh-CN", viewport=viewport)  # type: ignore[arg-type]
    page = context.new_page()
    try:
        page.goto(live_server + "/staff/login")
        page.get_by_label("用户名").fill("editor")
        page.get_by_label("密码").fill(StaffFixture.PASSWORD)
        page.get_by_role("button", name="登录").click()
        page.get_by_role("link", name="公报文件的主题分类与有效性").click()
        expect(page.locator("h1")).to_have_text("公报文件的政府信息公开信息")
        assert axe_violations(page) == []
        page.locator("a[href='/staff/documents/2019-02-01']").click()
        page.wait_for_url("**/staff/documents/2019-02-01")
        assert axe_violations(page) == []
        page.get_by_label("已废止").check()
        page.get_by_role("button", name="保存").click()
        expect(page.get_by_role("alert")).to_contain_text("写明")  # refused: no note
        page.get_by_label("已废止").check()
        page.get_by_label("废止或修改依据").fill("已被三政〔2020〕5号废止")
        page.get_by_label("主题分类").select_option("综合政务")
        page.get_by_role("button", name="保存").click()
        expect(page.get_by_role("status")).to_have_text("已保存。")
        assert axe_violations(page) == []

        page.goto(live_server + "/documents/2019-02-01")
        block = page.locator("table.disclosure-meta")
        expect(block).to_contain_text("已废止（已被三政〔2020〕5号废止）")
        expect(block).to_contain_text("综合政务")
        for _mode in ("standard", "care"):
            assert axe_violations(page) == []
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0
            page.locator(".care-switch").click()
            page.wait_for_load_state()
    finally:
        context.close()
