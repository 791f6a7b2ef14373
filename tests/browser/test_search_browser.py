"""Search from the header of any page (#17 item 4): a consultation found by a two-character
word, its word highlighted, the results page accessible at desktop and phone widths."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from bench._servers import open_consultation_on
from publisher.settings import Settings
from tests.browser.conftest import assert_accessible


def test_the_header_box_finds_a_consultation_at_both_widths(
    page: Page, live_server: str, settings: Settings
) -> None:
    draft_id = open_consultation_on(settings.effective_database_url, settings.calendar_dir)
    for width, height in ((1280, 900), (375, 740)):
        page.set_viewport_size({"width": width, "height": height})
        page.goto(live_server + "/datasets")
        page.get_by_role("searchbox").fill("草案")
        page.get_by_role("searchbox").press("Enter")
        expect(page).to_have_url(f"{live_server}/search?q=%E8%8D%89%E6%A1%88")
        hit = page.get_by_role("link", name="压力测试草案")
        expect(hit).to_have_attribute("href", f"/consultations/{draft_id}")
        expect(page.locator("mark").first).to_have_text("草案")
        assert_accessible(page)
        assert not page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
