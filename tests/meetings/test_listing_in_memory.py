"""The public meetings list served from memory (issue #15 item 3): a hit runs no SQL, care mode
(关怀版) and the plain page never share a copy, a write in another process shows within the
watch interval, and time alone (a scheduled publication) changes the page without any write."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bench._meetings import plant_published_notices
from publisher.meetings.models import MeetingNotice
from publisher.settings import Settings
from publisher.web.routes.care_mode import CARE_COOKIE
from tests.meetings.test_applications import application, open_notice
from tests.support.clock import MEETINGS_NOW, Clock
from tests.support.memory import memory_client, statements_run

CARE = '<html lang="zh-CN" class="care">'
PLAIN = '<html lang="zh-CN">'


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with memory_client(settings) as client:
        yield client


def _plant(client: TestClient, count: int) -> None:
    factory: sessionmaker[Session] = client.app.state.session_factory  # type: ignore[attr-defined]
    with factory() as session:
        plant_published_notices(session, count, now=MEETINGS_NOW)
        session.commit()


def _get(client: TestClient, care: bool, **params: Any) -> tuple[str, list[str], str]:
    """The page's text, the SQL it ran and its ETag."""
    client.cookies.clear()
    if care:
        client.cookies.set(CARE_COOKIE, "1")
    with statements_run(client.app.state.engine) as seen:  # type: ignore[attr-defined]
        response = client.get("/meetings", params=params)
    assert response.status_code == 200, response.text
    return response.text, seen, response.headers["etag"]


def test_care_mode_and_the_plain_page_never_share_a_copy(client: TestClient) -> None:
    _plant(client, 4)
    for care in (False, True, False, True):
        text, _, _ = _get(client, care)
        assert (CARE in text, PLAIN in text) == (care, not care)
    plain, plain_sql, plain_etag = _get(client, False)
    cared, care_sql, care_etag = _get(client, True)
    assert plain_sql == [] and care_sql == []  # both from memory by now
    assert PLAIN in plain and CARE in cared and plain_etag != care_etag
    # the switch in each copy leads to the other state, back to this very page and query
    assert "on=1" in _get(client, False, page=1)[0] and "on=0" in _get(client, True, page=1)[0]


def test_a_page_costs_at_most_five_statements_then_none(client: TestClient) -> None:
    _plant(client, 120)  # a commit in this process: the watch re-reads once (counted)
    for page in (1, 2, 3):
        _, first, _ = _get(client, False, page=page)
        assert 1 <= len(first) <= 5, first
        _, again, _ = _get(client, False, page=page)
        assert again == [], again


def test_made_up_parameters_are_rendered_but_not_kept(client: TestClient) -> None:
    """The cache is bounded and shared with the feeds: `?x=1`, `?x=2`… must not push them out."""
    _plant(client, 4)
    cache = client.app.state.feed_cache  # type: ignore[attr-defined]
    _get(client, False, page=1)
    kept = len(cache)
    for n in range(5):
        text, seen, _ = _get(client, False, page=1, x=n)
        assert PLAIN in text and seen  # rendered each time (a few statements), never kept
    assert len(cache) == kept


def test_the_304_and_the_gzip_copy_have_their_own_etags(client: TestClient) -> None:
    _plant(client, 40)
    plain = client.get("/meetings", headers={"Accept-Encoding": "identity"})
    packed = client.get("/meetings", headers={"Accept-Encoding": "gzip"})
    assert packed.headers["content-encoding"] == "gzip"
    assert "Accept-Encoding" in packed.headers["vary"] and "Cookie" in packed.headers["vary"]
    assert packed.headers["etag"] != plain.headers["etag"]
    assert packed.text == plain.text  # the test client decodes the gzip body
    again = client.get(
        "/meetings",
        headers={"Accept-Encoding": "gzip", "If-None-Match": packed.headers["etag"]},
    )
    assert again.status_code == 304 and again.content == b""
    assert "public" in again.headers["cache-control"]


WRITER = """
import sys
from publisher.meetings.models import MeetingNotice
from publisher.storage.db import make_engine, make_session_factory
engine = make_engine(sys.argv[1])
with make_session_factory(engine)() as session, session.begin():
    session.get(MeetingNotice, int(sys.argv[2])).title = "另一进程修改的会议标题"
engine.dispose()
"""


def test_a_write_in_another_process_shows_within_the_watch_interval(
    client: TestClient, settings: Settings
) -> None:
    _plant(client, 4)
    for care in (False, True):
        assert "另一进程" not in _get(client, care)[0]
    factory: sessionmaker[Session] = client.app.state.session_factory  # type: ignore[attr-defined]
    with factory() as session:
        notice_id = session.scalar(select(MeetingNotice.id).order_by(MeetingNotice.id))
    subprocess.run(
        [sys.executable, "-c", WRITER, settings.effective_database_url, str(notice_id)],
        check=True,
        timeout=60,
    )
    written = time.monotonic()
    for care in (False, True):
        while "另一进程修改的会议标题" not in _get(client, care)[0]:
            # the interval is 0.5 s; the margin absorbs a loaded machine, not a missed refresh
            assert time.monotonic() - written < 3, "another process's write unseen after 3 s"
            time.sleep(0.05)


def test_a_scheduled_notice_appears_at_its_time_without_any_write(client: TestClient) -> None:
    _plant(client, 2)
    factory: sessionmaker[Session] = client.app.state.session_factory  # type: ignore[attr-defined]
    with factory() as session, session.begin():
        notice = session.scalars(select(MeetingNotice).order_by(MeetingNotice.id)).first()
        assert notice is not None
        notice.title = "定时发布的会议"
        notice.published_at = MEETINGS_NOW + dt.timedelta(hours=1)
    assert "定时发布的会议" not in _get(client, False)[0]
    assert _get(client, False)[1] == []  # kept in memory until its publication
    clock: Clock = client.app.state.clock  # type: ignore[attr-defined]
    clock.advance(dt.timedelta(hours=1))
    assert "定时发布的会议" in _get(client, False)[0]
    clock.advance(dt.timedelta(hours=-1, seconds=-1))  # a clock set back: the earlier page again
    assert "定时发布的会议" not in _get(client, False)[0]


def test_a_meeting_filled_up_stops_saying_it_takes_applications_within_the_interval(
    client: TestClient, staff: Any
) -> None:
    """Places taken are not a tracked table: a page offering applications is re-read once per
    check interval, so the last place taken shows without any notice being written."""
    mid = open_notice(client, staff, capacity=1)
    assert "接受参会申请" in _get(client, False)[0]
    assert _get(client, False)[1] == []  # from memory meanwhile
    taken = client.post(f"/api/v1/meetings/{mid}/applications", json=application())
    assert taken.status_code == 201, taken.text
    written = time.monotonic()
    while "接受参会申请" in _get(client, False)[0]:
        assert time.monotonic() - written < 3, "a full meeting still offered after 3 s"
        time.sleep(0.05)
