"""The staff work queue (工作台) in a real browser: counts that are links, a queue sorted by a
column, the pages item 7 added; axe finds nothing at desktop and phone widths."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import Page, expect
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from consultation.models import ConsultationDraft
from publisher.meetings.models import MeetingApplication, MeetingNotice
from tests.browser.conftest import AXE_JS
from tests.staff.test_work_queue import plant
from tests.support.planting import comment
from tests.support.staff import StaffFixture

WIDTHS = ((1280, 900), (360, 740))


def assert_no_violations(page: Page) -> None:
    """axe-core over the page at desktop and phone widths: no violation of any impact, and no
    sideways scrolling of the page itself."""
    for width, height in WIDTHS:
        page.set_viewport_size({"width": width, "height": height})
        page.evaluate(AXE_JS.read_text(encoding="utf-8"))
        result: dict[str, Any] = page.evaluate("async () => await axe.run(document)")
        found = [f"{v['id']} ({v['impact']}): {v['help']}" for v in result["violations"]]
        assert not found, f"at {width}px:\n" + "\n".join(found)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth > document.documentElement.clientWidth"
        )
        assert not overflow, f"sideways scrolling at {width}px"


def sign_in(page: Page, live_server: str, username: str) -> None:
    page.goto(live_server + "/staff/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(StaffFixture.PASSWORD)
    page.get_by_role("button", name="登录").click()


def test_the_home_queue_and_a_sorted_queue_page(
    page: Page, live_server: str, staff: StaffFixture, session_factory: sessionmaker[Session]
) -> None:
    plant(session_factory)
    sign_in(page, live_server, "reviewer")
    expect(page.locator("h1")).to_have_text("工作台")
    expect(page.locator('[data-queue="consultation-unanswered"]')).to_have_text("5")
    assert_no_violations(page)

    page.get_by_role("link", name="待答复的意见").first.click()
    expect(page.locator("h1")).to_have_text("待答复的意见")
    assert_no_violations(page)
    page.get_by_role("link", name="数量（降序）").click()
    expect(page.locator("th[aria-sort='ascending']")).to_contain_text("数量")
    assert_no_violations(page)

    page.get_by_role("link", name=re.compile(r"^3\s*（即将截止的草案）")).click()
    expect(page.get_by_role("link", name="未答复", exact=True)).to_have_attribute(
        "aria-current", "page"
    )


def test_the_pages_for_what_only_the_api_did(
    page: Page, live_server: str, staff: StaffFixture, session_factory: sessionmaker[Session]
) -> None:
    """Item 7: the offline-opinion form (refused, then recorded), the secret-by-law box on the
    new-draft form, the representative's-opinion form on a meeting."""
    ids = plant(session_factory)
    with session_factory() as session:
        meeting = session.get(MeetingNotice, ids["public"])
        assert meeting is not None
        code = meeting_applications(session, meeting.id)
    sign_in(page, live_server, "editor")

    page.goto(f"{live_server}/staff/consultations/{ids['closing']}/offline-comments")
    expect(page.locator("h1")).to_have_text("补录线下意见")
    assert_no_violations(page)
    page.get_by_label("渠道").select_option("letter")
    page.get_by_label("意见内容").fill("来信：建议延长免费停车时间。")
    page.get_by_label("提出人（可不填）").fill("王五")
    page.get_by_role("button", name="登记").click()
    expect(page.get_by_role("status")).to_have_text("操作已完成。")
    expect(page.get_by_role("cell", name="来信：建议延长免费停车时间。")).to_be_visible()

    page.goto(f"{live_server}/staff/consultations")
    expect(page.get_by_label("依法不予公开（涉及国家秘密等，第四条）")).to_be_visible()
    assert_no_violations(page)

    page.goto(f"{live_server}/staff/meetings/{ids['public']}")
    page.get_by_label("列席代表").select_option(label=f"{code}（市民代表）")
    page.get_by_role("textbox", name="意见建议", exact=True).fill("建议会后公开会议纪要。")
    page.get_by_role("button", name="记录意见建议").click()
    expect(page.get_by_text("建议会后公开会议纪要。")).to_be_visible()
    assert_no_violations(page)


def meeting_applications(session: Session, notice_id: int) -> str:
    """The receipt code of the meeting's approved representative."""
    return session.scalars(
        select(MeetingApplication.receipt_code).where(
            MeetingApplication.notice_id == notice_id, MeetingApplication.status == "approved"
        )
    ).one()


def test_tags_and_groups_pages(
    page: Page, live_server: str, staff: StaffFixture, session_factory: sessionmaker[Session]
) -> None:
    """Item 5: tag two comments, filter by the tag, merge the proposed near-duplicates and
    answer the group once; axe finds nothing on either page at either width."""
    ids = plant(session_factory)
    draft_id = ids["closing"]
    sign_in(page, live_server, "editor")
    page.goto(f"{live_server}/staff/consultations/{draft_id}/tags")
    expect(page.locator("h1")).to_have_text("意见标签")
    boxes = page.get_by_role("checkbox")
    boxes.nth(0).check()
    boxes.nth(1).check()
    page.get_by_label("标签（最多40字）").fill("停车收费")
    page.get_by_role("button", name="给所选意见添加标签").click()
    expect(page.get_by_role("link", name="停车收费（2）")).to_have_attribute("aria-current", "page")
    assert_no_violations(page)

    with session_factory() as session:
        draft = session.get(ConsultationDraft, draft_id)
        assert draft is not None
        for _ in range(3):
            comment(session, draft, body="建议取消学校周边停车收费。")
        session.commit()
    page.goto(f"{live_server}/staff/consultations/{draft_id}/groups")
    expect(page.locator("h1")).to_have_text("合并相似意见")
    expect(page.get_by_role("heading", name="3 条内容相同的意见")).to_be_visible()
    assert_no_violations(page)
    page.get_by_role("button", name="合并为一组").click()
    expect(page.get_by_role("status")).to_have_text("操作已完成。")
    page.get_by_label("答复理由（发给本组每位提出人）").fill("已在第二条中采纳。")
    page.get_by_role("button", name="答复本组全部意见").click()
    expect(page.get_by_text("共 3 条意见，已答复 3 条。", exact=False)).to_be_visible()
    assert_no_violations(page)


def test_publishing_a_comment_in_full_with_a_removal(
    page: Page, live_server: str, staff: StaffFixture, session_factory: sessionmaker[Session]
) -> None:
    """Item 3: the review page, a removal with its reason, the published text."""
    ids = plant(session_factory)
    with session_factory() as session:
        draft = session.get(ConsultationDraft, ids["closing"])
        assert draft is not None
        answered = comment(
            session,
            draft,
            body="建议夜间免费。我住幸福路8号，电话13912345678。",
            consent_publish=True,
            disposition="adopted",
            answer_text="采纳。",
        )
        session.commit()
        comment_id = answered.id
    sign_in(page, live_server, "reviewer")
    page.goto(
        f"{live_server}/staff/consultations/{ids['closing']}/comments/{comment_id}/publication"
    )
    expect(page.locator("h1")).to_have_text(f"公开意见全文：意见{comment_id}")
    assert_no_violations(page)
    page.get_by_label("原文片段").first.fill("幸福路8号")
    page.get_by_label("删除理由").first.fill("个人隐私")
    page.get_by_role("button", name="公开全文").click()
    expect(page.get_by_role("status")).to_have_text("已公开。")
    expect(
        page.get_by_text("建议夜间免费。我住［已删除：个人隐私］，电话139******78。")
    ).to_be_visible()
    assert_no_violations(page)
