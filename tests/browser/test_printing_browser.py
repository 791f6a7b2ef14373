"""Notices that travel, in Chromium: the print pages and the press kit pass axe at desktop and
phone widths without sideways scrolling; the QR code Chromium draws on a page decodes (zbar)
to that page's URL; printed, the notice page keeps only the sheet."""

from __future__ import annotations

import io
from collections.abc import Iterator

import httpx
import pytest
from PIL import Image
from playwright.sync_api import Page
from pyzbar.pyzbar import decode

from publisher.settings import Settings
from publisher.web.app import create_app
from tests.browser.conftest import assert_accessible
from tests.harness.live_server import serve_in_thread
from tests.support.bodies import draft_body, notice_body
from tests.support.clock import CONSULTATIONS_NOW, Clock, local
from tests.support.staff import StaffFixture

WIDTHS = ((1280, 900), (375, 740))
#: PUBLISHER_BASE_URL of the test settings: what the codes encode, whatever the server's port
SITE = "http://testserver"


@pytest.fixture
def clock() -> Clock:
    return Clock(CONSULTATIONS_NOW)


@pytest.fixture
def server(settings: Settings, clock: Clock) -> Iterator[str]:
    app = create_app(settings)
    app.state.clock = clock
    with serve_in_thread(app) as base:
        yield base
    app.state.engine.dispose()


def _check(page: Page, url: str) -> None:
    page.goto(url)
    for width, height in WIDTHS:
        page.set_viewport_size({"width": width, "height": height})
        assert_accessible(page)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth > document.documentElement.clientWidth"
        )
        assert not overflow, f"sideways scrolling at {width}px on {url}"


def _decoded(page: Page, selector: str) -> list[str]:
    shot = page.locator(selector).first.screenshot()
    return [found.data.decode() for found in decode(Image.open(io.BytesIO(shot)))]


def test_print_pages_press_kit_outcome_page_and_page_qr_codes(
    page: Page, server: str, clock: Clock, staff: StaffFixture
) -> None:
    editor = staff.headers("editor")
    with httpx.Client(base_url=server, timeout=30) as api:
        body = notice_body(publication_at=local(2026, 11, 23, 9, 0).isoformat())
        meeting = api.post("/api/v1/staff/meetings", json=body, headers=editor).json()["id"]
        draft = api.post("/api/v1/staff/consultations", json=draft_body(), headers=editor)
        draft_id = draft.json()["id"]

    for path in (f"/meetings/{meeting}/print", f"/consultations/{draft_id}/print"):
        _check(page, server + path)
        page.set_viewport_size({"width": 1280, "height": 900})
        # the sheet's own code leads to the notice, not to the print page
        assert _decoded(page, ".sheet-close svg") == [SITE + path.removesuffix("/print")]
        page.emulate_media(media="print")
        assert not page.locator(".site-header").is_visible()
        assert not page.locator(".notice-tools").is_visible()
        assert page.locator(".notice-sheet").is_visible()
        page.emulate_media(media="screen")

    page.goto(f"{server}/meetings/{meeting}")
    assert _decoded(page, ".page-qr svg") == [f"{SITE}/meetings/{meeting}"]
    page.emulate_media(media="print")
    assert page.locator(".page-qr").is_visible()  # the paper leads back to the page
    assert not page.locator("form").first.is_visible()
    page.emulate_media(media="screen")

    page.goto(server + "/staff/login")
    page.get_by_label("用户名").fill("reviewer")
    page.get_by_label("密码").fill(StaffFixture.PASSWORD)
    page.get_by_role("button", name="登录").click()
    _check(page, f"{server}/staff/meetings/{meeting}/press")
    _check(page, f"{server}/staff/consultations/{draft_id}/press")
    clock.set(2026, 12, 8, 9, 0)  # closed: the outcome form is shown
    _check(page, f"{server}/staff/consultations/{draft_id}/outcome")
    assert page.get_by_label("文件类别").is_visible()
