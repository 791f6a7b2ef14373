"""Care mode (关怀版, #22 item 2) in Debian's Chromium: the header switch, by keyboard and
without JavaScript, makes the text at least 1.3× larger on the page and on the next, keeps
line height ≥ 1.3, fits a phone, passes axe-core in both modes, and is undone by itself."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from publisher.settings import Settings
from tests.browser.conftest import AXE_JS
from tests.identity.test_site_identity import IDENTITY

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 740}


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """Every identity setting set, so the footer is checked whole in both modes."""
    return settings.model_copy(update=IDENTITY)


@pytest.fixture(params=["desktop", "phone"])
def viewport(request: pytest.FixtureRequest) -> dict[str, int]:
    return DESKTOP if request.param == "desktop" else PHONE


@pytest.fixture
def no_script_page(browser: Browser, viewport: dict[str, int]) -> Iterator[Page]:
    """A reader whose browser runs no page script: the switch must work all the same."""
    context = browser.new_context(
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        viewport=viewport,  # type: ignore[arg-type]
        java_script_enabled=False,
    )
    yield context.new_page()
    context.close()


def text_metrics(page: Page) -> dict[str, float]:
    metrics: dict[str, float] = page.evaluate(
        """() => {
            const size = e => parseFloat(getComputedStyle(e).fontSize);
            const p = document.querySelector('main p') || document.body;
            const lh = parseFloat(getComputedStyle(p).lineHeight);
            return {body: size(document.body), p: size(p), h1: size(document.querySelector('h1')),
                    lineRatio: lh / size(p),
                    overflow: document.documentElement.scrollWidth - window.innerWidth};
        }"""
    )
    return metrics


def axe_violations(page: Page) -> list[str]:
    """Every axe-core violation, whatever its impact (0 is the bar in both modes)."""
    page.evaluate(AXE_JS.read_text(encoding="utf-8"))
    result: dict[str, Any] = page.evaluate("async () => await axe.run(document)")
    return [f"{v['id']} ({v['impact']}): {len(v['nodes'])} node(s)" for v in result["violations"]]


def press_switch_by_keyboard(page: Page) -> None:
    """Tab to the header switch (never more than a few stops away) and press Enter."""
    for _ in range(6):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('care-switch')"):
            with page.expect_navigation():
                page.keyboard.press("Enter")
            return
    raise AssertionError("the care-mode switch is not reachable by keyboard from the top")


def test_care_mode_by_keyboard_without_javascript(
    no_script_page: Page, live_server: str, viewport: dict[str, int]
) -> None:
    page = no_script_page
    page.goto(live_server + "/datasets")
    standard_next = text_metrics(page)
    page.goto(live_server + "/")
    standard = text_metrics(page)
    assert standard["lineRatio"] >= 1.3
    assert page.locator(".care-switch").inner_text().strip() == "关怀版"

    press_switch_by_keyboard(page)
    assert page.url == live_server + "/"  # back on the same page
    cared = text_metrics(page)
    assert page.locator("html.care").count() == 1
    assert page.locator(".care-switch").inner_text().strip() == "退出关怀版"
    for part in ("body", "p", "h1"):
        assert cared[part] >= 1.3 * standard[part], (part, standard, cared)
    assert cared["lineRatio"] >= 1.3
    assert cared["overflow"] <= 0, "care mode scrolls sideways"

    # remembered on the next page
    page.get_by_role("link", name="开放数据", exact=True).first.click()
    page.wait_for_url(live_server + "/datasets")
    after = text_metrics(page)
    for part in ("body", "p", "h1"):
        assert after[part] >= 1.3 * standard_next[part], (part, standard_next, after)
    assert after["overflow"] <= 0

    press_switch_by_keyboard(page)  # the same switch undoes it, on this page
    assert page.url == live_server + "/datasets"
    assert page.locator("html.care").count() == 0
    assert text_metrics(page)["body"] == standard_next["body"]


@pytest.mark.parametrize("path", ["/", "/datasets"])
def test_axe_finds_nothing_in_either_mode(
    browser: Browser, live_server: str, viewport: dict[str, int], path: str, tmp_path: Path
) -> None:
    context = browser.new_context(
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        viewport=viewport,  # type: ignore[arg-type]
    )
    page = context.new_page()
    try:
        page.goto(live_server + path)
        assert page.locator(".site-identity a").count() == 4  # the full footer is checked
        assert axe_violations(page) == []
        page.locator(".care-switch").click()
        page.wait_for_selector("html.care")
        assert page.url == live_server + path
        assert axe_violations(page) == []
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0
    finally:
        context.close()
