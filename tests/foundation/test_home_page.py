"""The home page shows what is current (issue #18): the next meetings with their time and
place, the open consultations with their deadline in office wording, and nothing unpublished."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from publisher.settings import Settings
from publisher.web.app import create_app
from tests.support.bodies import notice_body, open_consultation
from tests.support.clock import Clock, local
from tests.support.memory import page_and_sql
from tests.support.staff import StaffFixture


@pytest.fixture
def clock() -> Clock:
    return Clock(local(2026, 11, 30, 10, 0))  # a Monday


@pytest.fixture
def client(settings: Settings, clock: Clock) -> Iterator[TestClient]:
    app = create_app(settings)
    app.state.clock = clock
    with TestClient(app) as test_client:
        yield test_client
    app.state.engine.dispose()


def _notice(client: TestClient, staff: StaffFixture, publish: bool, **overrides: str) -> int:
    headers = staff.headers("editor")
    made = client.post("/api/v1/staff/meetings", json=notice_body(**overrides), headers=headers)
    assert made.status_code == 201, made.text
    meeting_id = int(made.json()["id"])
    if publish:
        published = client.post(
            f"/api/v1/staff/meetings/{meeting_id}/publish",
            json={"publication_at": local(2026, 11, 30, 10, 0).isoformat()},
            headers=headers,
        )
        assert published.status_code == 200, published.text
    return meeting_id


def _open_now_until_the_11th(client: TestClient, staff: StaffFixture) -> int:
    """A consultation published and open from now (2026-11-30 10:00) until 12-11 00:00."""
    return open_consultation(
        client,
        staff.headers("editor"),
        opens_at=local(2026, 11, 30, 10, 0).isoformat(),
        publish_at=local(2026, 11, 30, 10, 0).isoformat(),
        closes_at=local(2026, 12, 11, 0, 0).isoformat(),
    )


def test_an_empty_site_says_so(client: TestClient) -> None:
    page = client.get("/").text
    assert "暂无即将召开的会议预告。" in page and "目前没有正在或即将征求意见的决策草案。" in page
    assert '<a href="/documents">公报文件</a>' in page  # a card for every section of the menu


def test_current_meetings_and_consultations_with_their_deadlines(
    client: TestClient, staff: StaffFixture, clock: Clock
) -> None:
    shown = _notice(client, staff, publish=True)
    hidden = _notice(client, staff, publish=False, title="尚未发布的会议")
    draft = _open_now_until_the_11th(client, staff)
    page = client.get("/").text
    assert f'<a href="/meetings/{shown}">市政府第十次全体会议</a>' in page
    assert "召开时间：2026年12月7日 09:30" in page and "地点：市政府第一会议室" in page
    assert "申请列席截止：2026年12月4日 17:00" in page
    assert f"/meetings/{hidden}" not in page and "尚未发布的会议" not in page
    assert f'<a href="/consultations/{draft}">' in page
    # a window closing at 00:00 on the 11th ends on the 10th at 24:00: the 11th never reads open
    assert "征求意见截止：2026年12月10日 24:00" in page

    clock.set(2026, 12, 11, 9, 0)  # the meeting is over, the window closed
    later = client.get("/").text
    assert "暂无即将召开的会议预告。" in later and "目前没有正在或即将征求意见的决策草案。" in later


def test_a_consultation_about_to_open_is_not_called_open(
    client: TestClient, staff: StaffFixture
) -> None:
    """The section listed windows opening next week under "正在征求意见" (open now)."""
    draft = open_consultation(
        client,
        staff.headers("editor"),
        opens_at=local(2026, 12, 9, 9, 0).isoformat(),
        publish_at=local(2026, 11, 30, 10, 0).isoformat(),
        closes_at=local(2026, 12, 24, 0, 0).isoformat(),
    )
    page = client.get("/").text
    assert f'<a href="/consultations/{draft}">' in page
    assert "开始征求意见：2026年12月9日 09:00" in page
    assert ">正在及即将征求意见</h2>" in page and ">正在征求意见</h2>" not in page


def test_kept_in_memory_a_hit_runs_no_sql_and_a_publication_shows_at_once(
    client: TestClient, staff: StaffFixture
) -> None:
    """The home page is kept until a table a section reads changes (#15): the most visited
    page costs no SQL, and what staff publish is on it at the next visit."""
    assert "暂无即将召开的会议预告。" in page_and_sql(client, "/")[0].text
    assert page_and_sql(client, "/")[1] == []
    shown = _notice(client, staff, publish=True)
    assert f'<a href="/meetings/{shown}">' in page_and_sql(client, "/")[0].text
    draft = _open_now_until_the_11th(client, staff)
    first, built = page_and_sql(client, "/")
    assert built and f'<a href="/consultations/{draft}">' in first.text
    again, seen = page_and_sql(client, "/")
    assert seen == [] and again.text == first.text
