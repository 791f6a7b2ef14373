"""The base layout in a real browser: Chinese, keyboard-reachable, accessible, fits a phone."""

from __future__ import annotations

from playwright.sync_api import Page

from tests.browser.conftest import assert_accessible


def test_home_page_renders_and_is_accessible(page: Page, live_server: str) -> None:
    page.goto(live_server + "/")
    assert page.locator("h1").inner_text() == "信息预公开与开放数据"
    assert page.get_attribute("html", "lang") == "zh-CN"
    assert_accessible(page)


def test_skip_link_moves_focus_to_the_content(page: Page, live_server: str) -> None:
    page.goto(live_server + "/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused == "跳到正文"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_layout_fits_a_phone_without_sideways_scrolling(page: Page, live_server: str) -> None:
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(live_server + "/")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0


def test_error_page_is_accessible(page: Page, live_server: str) -> None:
    response = page.goto(live_server + "/no-such-page")
    assert response is not None and response.status == 404
    assert "找不到该页面" in page.locator("h1").inner_text()
    assert_accessible(page)
