"""Open-data and document pages in a real browser: navigation, preview, accessibility, phone."""

from __future__ import annotations

from playwright.sync_api import Page
from sqlalchemy.orm import Session

from publisher.documents.store import load_bundled_data
from publisher.settings import Settings
from tests.browser.conftest import assert_accessible


def test_datasets_to_a_dataset_page_with_its_preview(page: Page, live_server: str) -> None:
    page.goto(live_server + "/datasets")
    assert page.locator("h1").inner_text() == "开放数据"
    assert_accessible(page)
    page.get_by_role("link", name="第五批三门峡市非物质文化遗产代表性项目名单", exact=True).click()
    page.wait_for_url("**/datasets/intangible-heritage-items")
    assert page.locator("h1").inner_text() == "第五批三门峡市非物质文化遗产代表性项目名单"
    preview = page.locator("#preview tbody tr")
    assert preview.count() == 13
    assert "武当壬九门武术" in preview.first.inner_text()
    assert_accessible(page)


def test_dataset_page_fits_a_phone(page: Page, live_server: str) -> None:
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(live_server + "/datasets/listed-enterprises-2018")
    assert page.locator("#preview tbody tr").count() == 20
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0


def test_document_pages_are_accessible(
    page: Page, live_server: str, settings: Settings, db: Session
) -> None:
    load_bundled_data(settings, db)
    page.goto(live_server + "/documents")
    assert_accessible(page)
    page.locator("a[href^='/documents/2019-02-']").first.click()
    page.wait_for_url("**/documents/2019-02-*")
    assert page.locator("h2", has_text="正文").count() == 1
    assert_accessible(page)


def test_a_live_dataset_page_is_accessible(page: Page, live_server: str) -> None:
    """The adoption summaries, read from the database: listed, and a page with no rows yet."""
    page.goto(live_server + "/datasets")
    page.get_by_role("link", name="重大行政决策公开征求意见采纳情况", exact=True).click()
    page.wait_for_url("**/datasets/consultation-adoption-summaries")
    assert page.locator("h1").inner_text() == "重大行政决策公开征求意见采纳情况"
    assert "尚无记录" in page.locator("dl.facts").inner_text()
    assert page.locator("#preview tbody tr").count() == 0
    assert_accessible(page)
