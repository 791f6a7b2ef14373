"""The comments published in full, in Chromium at desktop and phone widths: an article's
published comments open in place (a <details>, no JavaScript), the list of all of them with its
pages; axe-core on each, and no sideways scrolling on a phone."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from consultation import publication
from consultation.models import Comment
from publisher.settings import Settings
from publisher.staff.principal import StaffPrincipal
from publisher.staff.roles import Role
from publisher.web.app import create_app
from tests.browser.conftest import assert_accessible
from tests.harness.live_server import serve_in_thread
from tests.support.bodies import comment_body, draft_body
from tests.support.clock import Clock, local
from tests.support.staff import StaffFixture

OPENING = local(2026, 11, 24, 10, 0)
WIDTHS = ((1280, 900), (375, 740))
REVIEWER = StaffPrincipal(None, "test-reviewer", "test", Role.REVIEWER, "cli")
LONG = "建议在第二条中写明停车示范区的范围和收费标准，" * 6


@pytest.fixture
def served(settings: Settings) -> Iterator[tuple[str, Clock]]:
    app = create_app(settings)
    clock = Clock(OPENING)
    app.state.clock = clock
    with serve_in_thread(app) as base:
        yield base, clock
    app.state.engine.dispose()


def test_published_responses_in_place_and_listed_at_both_widths(
    page: Page,
    served: tuple[str, Clock],
    staff: StaffFixture,
    session_factory: sessionmaker[Session],
) -> None:
    server, clock = served
    editor = staff.headers("editor")
    with httpx.Client(base_url=server, timeout=30) as api:
        created = api.post(
            "/api/v1/staff/consultations",
            json=draft_body(opens_at=OPENING.isoformat(), publish_at=OPENING.isoformat()),
            headers=editor,
        )
        assert created.status_code == 201, created.text
        draft_id = int(created.json()["id"])
        for n in range(23):
            if n % 9 == 0:
                clock.now += dt.timedelta(minutes=11)
            body = comment_body(text=f"{LONG}（{n + 1}）", article="a2" if n % 2 else "a1")
            sent = api.post(f"/api/v1/consultations/{draft_id}/comments", json=body)
            assert sent.status_code == 201, sent.text
        with session_factory() as session:
            ids = list(session.scalars(select(Comment.id).where(Comment.draft_id == draft_id)))
        answered = api.post(
            f"/api/v1/staff/consultations/{draft_id}/answers",
            json={"comment_ids": ids, "disposition": "partly_adopted", "reason": "部分采纳。"},
            headers=editor,
        )
        assert answered.status_code < 300, answered.text
    with session_factory() as session:
        for comment_id in ids:
            publication.publish_comment(session, REVIEWER, draft_id, comment_id, [], clock.now)

    for width, height in WIDTHS:
        page.set_viewport_size({"width": width, "height": height})
        page.goto(f"{server}/consultations/{draft_id}")
        details = page.locator("#a2 details.article-comments")
        response = details.locator(".published-response").first
        expect(response).to_be_hidden()
        details.locator("summary").click()
        expect(response).to_be_visible()
        expect(response).to_contain_text("处理结果：部分采纳。部分采纳。")
        assert not page.evaluate(
            "document.documentElement.scrollWidth > document.documentElement.clientWidth"
        )
        assert_accessible(page)

        page.get_by_role("link", name="全部公开的意见全文及答复（23条）").click()
        expect(page.locator("h1")).to_contain_text("公开的意见全文及答复")
        expect(page.locator(".published-response")).to_have_count(20)
        assert not page.evaluate(
            "document.documentElement.scrollWidth > document.documentElement.clientWidth"
        )
        assert_accessible(page)
        page.get_by_role("link", name="下一页").click()
        expect(page.locator(".published-response")).to_have_count(3)
        assert_accessible(page)
