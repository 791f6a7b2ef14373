"""No page, public or staff, is wider than a phone (issue #18): Chromium at 375 px walks every
GET page of the app on a site with one of everything, signed in as an administrator, and
measures the document against the viewport. A new page is walked without being listed here."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import Page, ViewportSize

from bench._servers import calendar_covering
from publisher.settings import Settings
from publisher.web.app import create_app, iter_api_routes
from tests.foundation.test_cache_control import _url
from tests.harness.live_server import serve_in_thread
from tests.support.staff import StaffFixture
from tests.support.world import Clock, plant_site

PHONE: ViewportSize = {"width": 375, "height": 740}
NOT_PAGES = ("/api/", "/feeds/", "/static/")


@pytest.fixture
def site(settings: Settings, staff: StaffFixture) -> Iterator[tuple[str, list[str]]]:
    calendar_covering(settings.calendar_dir)
    app = create_app(settings)
    app.state.clock = Clock()
    with TestClient(app, base_url="http://testserver") as client:
        ids = plant_site(client, app, settings, staff)
        admin = staff.headers("admin")
        pages = []
        for route in iter_api_routes():
            url = _url(route, ids)
            if "GET" not in (route.methods or set()) or url.startswith(NOT_PAGES):
                continue
            answer = client.get(url, headers=admin if url.startswith("/staff") else {})
            if answer.headers.get("content-type", "").startswith("text/html"):
                pages.append(url)
    with serve_in_thread(app) as base:
        yield base, sorted(set(pages))
    app.state.engine.dispose()


def test_no_page_is_wider_than_a_phone(page: Page, site: tuple[str, list[str]]) -> None:
    base, pages = site
    assert {"/", "/meetings", "/consultations", "/staff/", "/staff/audit"} <= set(pages)
    page.set_viewport_size(PHONE)
    page.goto(f"{base}/staff/login")
    page.get_by_label("用户名").fill("admin")
    page.get_by_label("密码").fill(StaffFixture.PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{base}/staff/")
    too_wide = {}
    for path in pages:
        page.goto(base + path)
        assert page.locator("#login_csrf, [name=login_csrf]").count() == 0 or path == "/staff/login"
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        if overflow > 0:
            too_wide[path] = overflow
    assert too_wide == {}, f"pages wider than {PHONE['width']} px (by px): {too_wide}"
