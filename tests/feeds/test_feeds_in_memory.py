"""Feeds kept in memory (issue #15: a cached feed still cost a database round trip per request;
issue #21: a write in any process must be seen by every process within a second).

A watched feed's version is the generations of the tables it reads, bumped in the writing
transaction by whichever process writes; a hit runs no SQL at all.
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from feeds.source import FeedContext
from publisher.documents.store import load_bundled_data
from publisher.meetings.models import MeetingNotice
from publisher.settings import Settings
from publisher.storage.base import Base
from publisher.storage.generations import read_generations, tracked_tables
from publisher.web.feeds import build_source_feed
from publisher.wiring import FEATURES
from tests.support.bodies import draft_body, notice_body
from tests.support.clock import MEETINGS_NOW, Clock
from tests.support.memory import memory_client

WATCHED = [source for feature in FEATURES for source in feature.feeds if source.watches]


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with memory_client(settings) as client:
        yield client


def _statements(engine: Engine) -> list[str]:
    seen: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *args: seen.append(args[2]))
    return seen


def _publish_meeting(client: TestClient, staff: Any, title: str) -> None:
    created = client.post(
        "/api/v1/staff/meetings", json=notice_body(title=title), headers=staff.headers("editor")
    )
    assert created.status_code == 201, created.text
    published = client.post(
        f"/api/v1/staff/meetings/{created.json()['id']}/publish",
        json={"publication_at": MEETINGS_NOW.isoformat()},
        headers=staff.headers("editor"),
    )
    assert published.status_code == 200, published.text


def test_a_cached_feed_runs_no_sql_and_a_write_is_seen_at_once(
    client: TestClient, staff: Any
) -> None:
    _publish_meeting(client, staff, "市政府第十次全体会议")
    first = client.get("/feeds/meetings.rss")
    assert "第十次" in first.text
    statements = _statements(client.app.state.engine)  # type: ignore[attr-defined]
    for headers in ({}, {"If-None-Match": first.headers["etag"]}, {"Accept-Encoding": "gzip"}):
        assert client.get("/feeds/meetings.rss", headers=headers).status_code in (200, 304)
    assert statements == []  # before: one version query per request
    _publish_meeting(client, staff, "市政府第十一次全体会议")
    assert "第十一次" in client.get("/feeds/meetings.rss").text  # this process's write: at once


WRITER = """
import datetime as dt, sys
from publisher.meetings.models import MeetingNotice
from publisher.storage.db import make_engine, make_session_factory
engine = make_engine(sys.argv[1])
with make_session_factory(engine)() as session, session.begin():
    notice = session.get(MeetingNotice, int(sys.argv[2]))
    notice.title = "另一进程修改的标题"
engine.dispose()
"""


def test_a_write_in_another_process_is_seen_within_the_check_interval(
    client: TestClient, staff: Any, settings: Settings
) -> None:
    _publish_meeting(client, staff, "市政府第十次全体会议")
    assert "第十次" in client.get("/feeds/meetings.rss").text
    factory: sessionmaker[Session] = client.app.state.session_factory  # type: ignore[attr-defined]
    with factory() as session:
        notice_id = session.scalar(select(MeetingNotice.id))
    subprocess.run(
        [sys.executable, "-c", WRITER, settings.effective_database_url, str(notice_id)],
        check=True,
        timeout=60,
    )
    written = time.monotonic()
    while "另一进程修改的标题" not in client.get("/feeds/meetings.rss").text:
        # the interval is 0.5 s; the margin absorbs a loaded machine, not a missed refresh
        assert time.monotonic() - written < 3, "another process's write unseen after 3 s"
        time.sleep(0.05)


def test_a_refusal_bumps_nothing_and_a_bulk_update_bumps(
    client: TestClient, staff: Any, session_factory: sessionmaker[Session]
) -> None:
    _publish_meeting(client, staff, "市政府第十次全体会议")
    with session_factory() as session:
        before = read_generations(session)
    refused = client.post(
        "/api/v1/staff/consultations",
        json=draft_body(closes_at=MEETINGS_NOW.isoformat()),
        headers=staff.headers("editor"),
    )
    assert refused.status_code == 422
    with session_factory() as session:
        assert read_generations(session) == before
    with session_factory() as session, session.begin():
        session.execute(update(MeetingNotice).values(place="市政府第二会议室"))
    with session_factory() as session:
        after = read_generations(session)
    assert after["meeting_notice"] == before["meeting_notice"] + 1
    assert "市政府第二会议室" in client.get("/feeds/meetings.rss").text


_TABLE = re.compile(r'\b(?:FROM|JOIN)\s+"?(\w+)"?', re.IGNORECASE)


@pytest.mark.parametrize("source", WATCHED, ids=lambda s: s.name)
def test_a_watched_feed_reads_only_tables_it_watches(
    source: Any, client: TestClient, staff: Any, settings: Settings, db: Session
) -> None:
    """A table read but not watched would let the memory copy go stale after its writes."""
    load_bundled_data(settings, db)
    _publish_meeting(client, staff, "市政府第十次全体会议")
    created = client.post(
        "/api/v1/staff/consultations", json=draft_body(), headers=staff.headers("editor")
    )
    assert created.status_code == 201, created.text
    engine: Engine = client.app.state.engine  # type: ignore[attr-defined]
    statements = _statements(engine)
    factory: sessionmaker[Session] = client.app.state.session_factory  # type: ignore[attr-defined]
    with factory() as session:
        ctx = FeedContext(session, MEETINGS_NOW, settings, "http://testserver", {})
        for fmt in source.formats:
            assert build_source_feed(source, fmt, ctx).body
        if source.steady is not None:
            source.steady(ctx)
    read = {name for sql in statements for name in _TABLE.findall(sql)}
    assert read and read & set(Base.metadata.tables) <= set(source.watches)
    assert set(source.watches) <= tracked_tables()


def test_a_body_serves_every_instant_of_its_steady_span(client: TestClient, staff: Any) -> None:
    """Requests that began just before a build must not rebuild it (under 50 clients every
    waiting request rebuilt the feed once more, serially), and an instant before the last
    publication must."""
    _publish_meeting(client, staff, "市政府第十次全体会议")
    clock: Clock = client.app.state.clock  # type: ignore[attr-defined]
    cache = client.app.state.feed_cache  # type: ignore[attr-defined]
    clock.now = MEETINGS_NOW + dt.timedelta(hours=1)
    assert "第十次" in client.get("/feeds/meetings.rss").text
    builds = cache.builds
    clock.now = MEETINGS_NOW + dt.timedelta(minutes=1)  # earlier than the build, same span
    client.get("/feeds/meetings.rss")
    assert cache.builds == builds
    clock.now = MEETINGS_NOW - dt.timedelta(seconds=1)  # before the publication
    assert "第十次" not in client.get("/feeds/meetings.rss").text
    assert cache.builds == builds + 1
