"""Issue #16's done-when in Chromium: a 30-article draft, 200 comments on 12 articles, a
revision changing 3 articles. The draft page, the diff and the per-article summary at desktop
and phone widths, each checked by axe; their JSON through the API."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from consultation.models import Comment
from publisher.settings import Settings
from publisher.web.app import create_app
from tests.browser.conftest import assert_accessible
from tests.harness.live_server import serve_in_thread
from tests.support import articles_world
from tests.support.clock import Clock, local
from tests.support.staff import StaffFixture

WIDTHS = ((1280, 900), (375, 740))


def assert_no_sideways_scroll(page: Page) -> None:
    overflow = page.evaluate(
        "document.documentElement.scrollWidth > document.documentElement.clientWidth"
    )
    assert not overflow, "the page scrolls sideways"


@dataclass
class Served:
    base: str
    clock: Clock


@pytest.fixture
def served(settings: Settings) -> Iterator[Served]:
    app = create_app(settings)
    clock = Clock(local(2026, 11, 24, 10, 0))
    app.state.clock = clock
    with serve_in_thread(app) as base:
        yield Served(base, clock)
    app.state.engine.dispose()


def _answer_all_and_close_the_loop(
    api: httpx.Client,
    session_factory: sessionmaker[Session],
    staff: StaffFixture,
    draft_id: int,
) -> None:
    editor, reviewer = staff.headers("editor"), staff.headers("reviewer")
    with session_factory() as s:
        rows = s.execute(select(Comment.id, Comment.article_key)).all()
    adopted = [cid for cid, key in rows if key == "a3"]
    others = [cid for cid, key in rows if key != "a3"]
    staff_url = f"/api/v1/staff/consultations/{draft_id}"
    for ids, disposition, reason in (
        (adopted, "adopted", "已将收费上限调整为每小时五元。"),
        (others, "not_adopted", "经研究，维持原规定。"),
    ):
        body = {"comment_ids": ids, "disposition": disposition, "reason": reason}
        assert api.post(f"{staff_url}/answers", json=body, headers=editor).is_success
    summary = {"outcome_text": "办法已根据公众意见修改。"}
    assert api.post(f"{staff_url}/summary", json=summary, headers=reviewer).is_success
    final = {"text": articles_world.draft_text(revised=True), "reason": "市政府常务会议审议通过。"}
    final["text"] = final["text"].replace("鼓励共享停车泊位。", "支持共享停车泊位。")
    done = api.post(f"{staff_url}/final-text", json=final, headers=reviewer)
    assert done.status_code == 201, done.text


def test_articles_versions_diff_and_summary_in_a_browser(
    page: Page, served: Served, staff: StaffFixture, session_factory: sessionmaker[Session]
) -> None:
    base = served.base
    with httpx.Client(base_url=base, timeout=60) as api:
        world = articles_world.build(api, session_factory, staff.headers("editor"), served.clock())
        draft = f"{base}/consultations/{world.draft_id}"

        for width, height in WIDTHS:
            page.set_viewport_size({"width": width, "height": height})
            page.goto(f"{draft}?version=1")
            assert page.locator(".draft-article").count() == 30
            first = page.locator("#a1 details")
            first.locator("summary").click()  # opens in place
            assert first.get_attribute("open") is not None
            assert "第一条的意见（40条）" in first.inner_text()
            assert_no_sideways_scroll(page)
            assert_accessible(page)

            page.goto(f"{draft}/versions")
            assert articles_world.REVISION_REASON in page.content()
            assert_accessible(page)
            page.get_by_role("link", name="与上一版本对比").click()
            assert page.locator("h2").first.inner_text() == "共3条有修改"
            assert page.locator("section.diff-article del").first.text_content() == "［删除：三］"
            assert_no_sideways_scroll(page)
            assert_accessible(page)

        # the current version: comment on 第三条 by selecting a passage (the script's button)
        page.set_viewport_size({"width": 1280, "height": 900})
        page.goto(draft)
        page.evaluate(
            """() => {
              const p = document.querySelector('#a3 p');
              const range = document.createRange();
              range.selectNodeContents(p.lastChild);
              const sel = window.getSelection();
              sel.removeAllRanges();
              sel.addRange(range);
            }"""
        )
        page.get_by_role("button", name="就选中的文字对第三条提意见").click()
        assert page.locator("#c-article").input_value() == "a3"
        assert "每小时不超过五元" in page.locator("#c-quote").input_value()
        page.get_by_role("textbox", name="意见内容").fill("建议收费上限维持三元。")
        page.get_by_label("匿名提交").check()
        page.get_by_role("button", name="提交意见").click()
        assert page.locator("h1").inner_text() == "意见已收到"
        # and without the script: the article's own link chooses it in the form
        page.goto(draft)
        page.locator("#a13 summary").click()
        page.get_by_role("link", name="对第十三条提出意见").click()
        assert page.locator("#c-article").input_value() == "a13"
        assert "第三条的意见（1条）" in page.locator("#a3 summary").inner_text()

        served.clock.set(2026, 12, 16, 9, 0)
        _answer_all_and_close_the_loop(api, session_factory, staff, world.draft_id)
        articles = api.get(
            f"/api/v1/consultations/{world.draft_id}/articles?version=1&per_page=100"
        ).json()
        by_key = {a["key"]: a for a in articles}
        assert len(by_key["a3"]["answers"]) == 20
        assert by_key["a3"]["answers"][0]["disposition"] == "adopted"
        assert len(by_key["a1"]["answers"]) == 40
        assert by_key["a4"]["answers"] == []
        loop = api.get(f"/api/v1/consultations/{world.draft_id}/outcome").json()
        changed = {a["key"]: len(a["comments"]) for a in loop["articles"]}
        assert changed == {"a3": 21, "a13": 0, "a25": 0}  # 20 on version 1, 1 on version 2

    for width, height in WIDTHS:
        page.set_viewport_size({"width": width, "height": height})
        page.goto(f"{draft}?version=1")
        details = page.locator("#a3 details")
        details.locator("summary").click()
        assert "已将收费上限调整为每小时五元。" in details.inner_text()
        assert_accessible(page)
        page.goto(draft)
        loop_section = page.locator("section[aria-labelledby=h-loop]")
        assert "第三条（修改）" in loop_section.inner_text()
        assert (
            "意见1（采纳）" in loop_section.inner_text() or "（采纳）" in loop_section.inner_text()
        )
        assert_accessible(page)


def test_staff_versions_page_in_a_browser(
    page: Page, served: Served, staff: StaffFixture, session_factory: sessionmaker[Session]
) -> None:
    """The staff page: the parse of the current text, the versions, a material revision refused
    then published with a new close."""
    base = served.base
    with httpx.Client(base_url=base, timeout=60) as api:
        world = articles_world.build(api, session_factory, staff.headers("editor"), served.clock())
    page.goto(f"{base}/staff/login")
    page.get_by_label("用户名").fill("reviewer")
    page.get_by_label("密码").fill(StaffFixture.PASSWORD)
    page.get_by_role("button", name="登录").click()
    served.clock.set(2026, 12, 10, 10, 0)  # Thursday; the window closes 12-15 10:00
    for width, height in WIDTHS:
        page.set_viewport_size({"width": width, "height": height})
        page.goto(f"{base}/staff/consultations/{world.draft_id}/versions")
        assert "解析为30条，分3章" in page.content()
        assert_accessible(page)
    revised = articles_world.draft_text(revised=True).replace("城区道路", "城区和示范区道路")
    page.get_by_label("修改后的草案全文", exact=False).fill(revised)
    page.get_by_label("修改理由（将公开）").fill("调整适用范围。")
    page.get_by_role("checkbox", name="实质性修改", exact=False).check()
    page.get_by_role("button", name="发布修改稿").click()
    expect(page.get_by_role("alert")).to_contain_text("截止时间不得早于2026年12月17日 24:00")
    assert_accessible(page)
    page.get_by_label("新的截止时间", exact=False).fill("2026-12-18T00:00")
    page.get_by_role("button", name="发布修改稿").click()
    expect(page.get_by_role("status")).to_contain_text("修改稿已发布。")
    assert "第3稿" in page.content()
