"""The public list of consultations served from memory (#15): a hit runs no SQL; a draft
published now shows at once; a draft published at a set time appears then, and a window
closing moves its draft to 已结束, with no write."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from publisher.settings import Settings
from tests.support.bodies import open_consultation
from tests.support.clock import CONSULTATIONS_NOW, Clock, local
from tests.support.memory import memory_client, page_and_sql
from tests.support.staff import StaffFixture


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with memory_client(settings) as client:
        client.app.state.clock = Clock(CONSULTATIONS_NOW)  # type: ignore[attr-defined]
        yield client


def _section(html: str, state: str) -> str:
    """The list's section for one window state (upcoming, open, closed)."""
    start = html.index(f'id="h-{state}"')
    end = html.find("</section>", start)
    return html[start:end]


def test_a_hit_runs_no_sql_and_a_draft_published_now_shows_at_once(
    client: TestClient, staff: StaffFixture
) -> None:
    open_consultation(client, staff.headers("editor"), title="停车管理办法（征求意见稿）")
    first, built = page_and_sql(client, "/consultations")
    assert built and "停车管理办法" in _section(first.text, "open")
    again, seen = page_and_sql(client, "/consultations")
    assert seen == [] and again.text == first.text
    open_consultation(client, staff.headers("editor"), title="供水价格调整方案（征求意见稿）")
    assert "供水价格调整方案" in _section(page_and_sql(client, "/consultations")[0].text, "open")


def test_time_alone_publishes_a_draft_and_closes_a_window(
    client: TestClient, staff: StaffFixture
) -> None:
    open_consultation(client, staff.headers("editor"), title="停车管理办法（征求意见稿）")
    later = {
        "title": "供水价格调整方案（征求意见稿）",
        "publish_at": local(2026, 11, 25, 9, 0).isoformat(),
        "opens_at": local(2026, 11, 25, 9, 0).isoformat(),
        "closes_at": local(2026, 12, 9, 0, 0).isoformat(),
    }
    open_consultation(client, staff.headers("editor"), **later)
    before = page_and_sql(client, "/consultations")[0].text
    assert "供水价格调整方案" not in before
    assert page_and_sql(client, "/consultations")[1] == []
    clock: Clock = client.app.state.clock  # type: ignore[attr-defined]
    clock.set(2026, 11, 25, 9, 0)  # its publication
    assert "供水价格调整方案" in _section(page_and_sql(client, "/consultations")[0].text, "open")
    clock.advance(dt.timedelta(days=12))  # past the first one's close (12-07 00:00)
    page = page_and_sql(client, "/consultations")[0].text
    assert "停车管理办法" in _section(page, "closed")
    assert "供水价格调整方案" in _section(page, "open")
