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
