"""The citizen's whole path in Chromium: comment on the page, keep the receipt, read the answer."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Page

from publisher.settings import Settings
from publisher.web.app import create_app
from tests.browser.conftest import assert_accessible
from tests.harness.live_server import serve_in_thread
from tests.support.bodies import draft_body
from tests.support.clock import Clock, local
from tests.support.staff import StaffFixture

OPENING = local(2026, 11, 24, 10, 0).isoformat()


@pytest.fixture
def consultation_server(settings: Settings) -> Iterator[str]:
    app = create_app(settings)
    app.state.clock = Clock(local(2026, 11, 24, 10, 0))  # = OPENING
    with serve_in_thread(app) as base:
        yield base
    app.state.engine.dispose()


def test_comment_receipt_answer_in_a_browser(
    page: Page, consultation_server: str, staff: StaffFixture
) -> None:
    base = consultation_server
    editor = staff.headers("editor")
    with httpx.Client(base_url=base, timeout=30) as api:
        created = api.post(
            "/api/v1/staff/consultations",
            json=draft_body(opens_at=OPENING, publish_at=OPENING),
            headers=editor,
        )
        assert created.status_code == 201, created.text
        draft_id = created.json()["id"]

        page.goto(f"{base}/consultations")
        page.get_by_role("link", name="三门峡市城区停车管理办法（征求意见稿）").click()
        assert page.locator("h1").inner_text() == "三门峡市城区停车管理办法（征求意见稿）"
        assert_accessible(page)

        page.get_by_role("textbox", name="意见内容").fill(
            "建议在学校周边增设临时停车位，电话13812345678。"
        )
        page.get_by_label("所涉条款或内容").fill("第二条")
        page.get_by_label("联系电话").fill("13912345678")
        page.get_by_label("同意在意见采纳情况中公开").check()
        page.get_by_role("button", name="提交意见").click()
        assert page.locator("h1").inner_text() == "意见已收到"
        receipt = page.locator("#receipt-code").inner_text()
        assert receipt.startswith("YJ-")
        assert_accessible(page)

        queue = api.get(f"/api/v1/staff/consultations/{draft_id}/comments", headers=editor)
        (comment,) = queue.json()
        assert comment["receipt_code"] == receipt and comment["phone"] == "13912345678"
        answered = api.post(
            f"/api/v1/staff/consultations/{draft_id}/answers",
            json={
                "comment_ids": [comment["id"]],
                "disposition": "adopted",
                "reason": "已在第二条增加学校周边临时停车位。",
            },
            headers=editor,
        )
        assert answered.status_code == 200, answered.text

    page.goto(f"{base}/comments/status")
    page.get_by_label("回执码").fill(receipt.lower())
    page.get_by_role("button", name="查询").click()
    assert page.locator("#comment-status").inner_text() == "已答复"
    assert page.locator("#disposition").inner_text() == "采纳"
    assert page.locator("#answer").inner_text() == "已在第二条增加学校周边临时停车位。"
    assert "13812345678" not in page.content()
    assert_accessible(page)
