"""The follow (关注) pages in Chromium, at desktop and phone widths: the form for a meeting
kind, all consultations, a department and the gazette, the answer, the choice of department
and the unsubscribe button; axe-core finds no serious violation."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Page, ViewportSize

from publisher.settings import Settings
from publisher.web.app import create_app
from tests.browser.conftest import assert_accessible
from tests.harness.live_server import serve_in_thread
from tests.support.bodies import draft_body
from tests.support.clock import Clock, local
from tests.support.staff import StaffFixture

OPENING = local(2026, 11, 24, 10, 0).isoformat()
WIDTHS: tuple[ViewportSize, ...] = ({"width": 1280, "height": 900}, {"width": 375, "height": 740})


@pytest.fixture
def server(settings: Settings) -> Iterator[str]:
    app = create_app(settings)
    app.state.clock = Clock(local(2026, 11, 24, 10, 0))
    with serve_in_thread(app) as base:
        yield base
    app.state.engine.dispose()


def test_follow_pages_are_accessible_at_both_widths(
    page: Page, server: str, staff: StaffFixture
) -> None:
    with httpx.Client(base_url=server, timeout=30) as api:
        created = api.post(
            "/api/v1/staff/consultations",
            json=draft_body(opens_at=OPENING, publish_at=OPENING),
            headers=staff.headers("editor"),
        )
        assert created.status_code == 201, created.text
    pages = (
        "/meetings/follow?kind=executive",
        "/consultations/follow",
        "/consultations/department/follow",
        "/consultations/department/follow?name=市城市管理局",
        "/follow/gazette",
        "/follow/unsubscribe?token=abc",
        "/follow/confirm?token=nope",
    )
    for size in WIDTHS:
        page.set_viewport_size(size)
        for path in pages:
            page.goto(server + path)
            assert page.locator("h1").inner_text().startswith("关注")
            assert_accessible(page)
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, path
        page.goto(server + "/follow/gazette")
        page.get_by_label("电子邮箱").fill("reader@example.cn")
        page.get_by_role("button", name="关注").click()
        assert "确认邮件已发送" in page.locator("main").inner_text()
        assert_accessible(page)
