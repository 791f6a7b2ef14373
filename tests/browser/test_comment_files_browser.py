"""A citizen attaches a photograph to a comment in Chromium, at desktop and phone widths: the
form with its file field, a spoofed file refused with the reason in Chinese (nothing kept),
the receipt; then a reviewer sees the files and approves one. axe-core on every page."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import FilePayload, Page, expect
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from consultation.models import Comment, CommentAttachment
from publisher.settings import Settings
from publisher.web.app import create_app
from tests.browser.conftest import assert_accessible
from tests.harness.live_server import serve_in_thread
from tests.support.bodies import draft_body
from tests.support.clock import Clock, local
from tests.support.comment_files import jpeg_with_gps
from tests.support.staff import StaffFixture

OPENING = local(2026, 11, 24, 10, 0).isoformat()
WIDTHS = ((1280, 900), (375, 740))


@pytest.fixture
def server(settings: Settings) -> Iterator[str]:
    app = create_app(settings)
    app.state.clock = Clock(local(2026, 11, 24, 10, 0))
    with serve_in_thread(app) as base:
        yield base
    app.state.engine.dispose()


def _counts(factory: sessionmaker[Session]) -> tuple[int, int]:
    with factory() as session:
        comments = session.scalar(select(func.count()).select_from(Comment)) or 0
        files = session.scalar(select(func.count()).select_from(CommentAttachment)) or 0
    return comments, files


def test_a_comment_with_a_photo_at_desktop_and_phone_widths(
    page: Page, server: str, staff: StaffFixture, session_factory: sessionmaker[Session]
) -> None:
    with httpx.Client(base_url=server, timeout=30) as api:
        created = api.post(
            "/api/v1/staff/consultations",
            json=draft_body(opens_at=OPENING, publish_at=OPENING),
            headers=staff.headers("editor"),
        )
        assert created.status_code == 201, created.text
        draft = f"{server}/consultations/{created.json()['id']}"
    photo = FilePayload(name="现场照片.jpg", mimeType="image/jpeg", buffer=jpeg_with_gps())
    spoofed = FilePayload(name="照片.jpg", mimeType="image/jpeg", buffer=b"MZ" + b"\0" * 300)

    for number, (width, height) in enumerate(WIDTHS, 1):
        page.set_viewport_size({"width": width, "height": height})
        page.goto(draft)
        field = page.get_by_label("附件", exact=False)
        expect(field).to_be_visible()
        assert_accessible(page)

        page.get_by_role("textbox", name="意见内容").fill("建议增设停车位，附现场照片。")
        page.get_by_label("联系电话").fill("13912345678")
        field.set_input_files([spoofed])
        before = _counts(session_factory)
        page.get_by_role("button", name="提交意见").click()
        expect(page.get_by_role("alert")).to_contain_text("不是 PDF、Word（DOCX）、JPEG 或 PNG")
        assert "请重新选择附件" in page.content()
        assert _counts(session_factory) == before  # refused: nothing kept
        assert page.get_by_role("textbox", name="意见内容").input_value().startswith("建议增设")
        assert_accessible(page)

        page.get_by_label("附件", exact=False).set_input_files([photo])
        page.get_by_role("button", name="提交意见").click()
        assert page.locator("h1").inner_text() == "意见已收到"
        expect(page.locator("#receipt-files")).to_contain_text("1个附件已一并收到")
        assert _counts(session_factory) == (number, number)
        assert_accessible(page)

    page.goto(f"{server}/staff/login")
    page.get_by_label("用户名").fill("reviewer")
    page.get_by_label("密码").fill(StaffFixture.PASSWORD)
    page.get_by_role("button", name="登录").click()
    with session_factory() as session:
        first = session.scalars(select(CommentAttachment).order_by(CommentAttachment.id)).first()
        assert first is not None
        files_page = (
            f"{server}/staff/consultations/{first.draft_id}/comments/{first.comment_id}/attachments"
        )
    for width, height in WIDTHS:
        page.set_viewport_size({"width": width, "height": height})
        page.goto(files_page)
        expect(page.get_by_role("link", name="现场照片.jpg")).to_be_visible()
        assert_accessible(page)
    page.get_by_role("button", name="同意公开附件1").click()
    expect(page.get_by_role("status")).to_contain_text("已同意公开该附件")
    assert_accessible(page)
