"""A meeting's page served from memory (issue #15): the page is kept without its form's token
and each answer gets a token of its own; a hit runs no SQL; the places taken show at once after
an application in this process and within the check interval after one in another; the notice's
own changes show at once; time alone (the application window closing) changes the page; and the
pages are kept apart from the feeds, so visiting every meeting pushes no feed out."""

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
from sqlalchemy.orm import Session, sessionmaker

from publisher.meetings.models import MeetingNotice
from publisher.settings import Settings
from tests.meetings.test_applications import application, open_notice
from tests.support.clock import Clock
from tests.support.memory import memory_client, page_and_sql

TOKEN = re.compile(r'name="form_token" value="([^"]+)"')
PLACES = re.compile(r"尚余 (\d+) 名")


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with memory_client(settings) as client:
        yield client


def _get(client: TestClient, meeting_id: int) -> tuple[Any, list[str]]:
    return page_and_sql(client, f"/meetings/{meeting_id}")


def _places(client: TestClient, meeting_id: int) -> int:
    found = PLACES.search(_get(client, meeting_id)[0].text)
    assert found is not None
    return int(found.group(1))


def test_each_answer_has_a_token_of_its_own_and_a_hit_runs_no_sql(
    client: TestClient, staff: Any
) -> None:
    mid = open_notice(client, staff, capacity=3)
    first, built = _get(client, mid)
    assert built  # rendered once
    tokens = set()
    for _ in range(5):
        again, seen = _get(client, mid)
        assert seen == [], seen
        tokens.update(TOKEN.findall(again.text))
    tokens.update(TOKEN.findall(first.text))
    assert len(tokens) == 6 and not any(t.startswith("form-token-") for t in tokens)
    assert "private" in again.headers["cache-control"] and "etag" not in again.headers


def test_a_form_token_still_makes_a_double_submission_one_application(
    client: TestClient, staff: Any
) -> None:
    mid = open_notice(client, staff, capacity=3)
    _get(client, mid)
    token = TOKEN.findall(_get(client, mid)[0].text)[0]  # from memory
    form = {**application(), "form_token": token}
    once = client.post(f"/meetings/{mid}/applications", data=form)
    twice = client.post(f"/meetings/{mid}/applications", data=form)
    assert once.status_code < 300 and twice.status_code < 300, twice.text
    codes = {re.findall(r"CH-[0-9A-Z]{5}-[0-9A-Z]{5}", r.text)[0] for r in (once, twice)}
    assert len(codes) == 1
    assert _places(client, mid) == 2


def test_places_taken_here_show_at_once_and_the_notice_s_changes_too(
    client: TestClient, staff: Any
) -> None:
    mid = open_notice(client, staff, capacity=3)
    assert _places(client, mid) == 3
    assert _get(client, mid)[1] == []
    taken = client.post(f"/api/v1/meetings/{mid}/applications", json=application())
    assert taken.status_code == 201, taken.text
    assert _places(client, mid) == 2  # this process's application: at once
    factory: sessionmaker[Session] = client.app.state.session_factory  # type: ignore[attr-defined]
    with factory() as session, session.begin():
        notice = session.get(MeetingNotice, mid)
        assert notice is not None
        notice.place = "市民之家三楼会议室"
    assert "市民之家三楼会议室" in _get(client, mid)[0].text


APPLICANT = """
import datetime as dt, sys
from publisher.meetings.models import MeetingApplication
from publisher.storage.db import make_engine, make_session_factory
engine = make_engine(sys.argv[1])
with make_session_factory(engine)() as session, session.begin():
    session.add(MeetingApplication(
        notice_id=int(sys.argv[2]), receipt_code="CH-OTHER-00001", applicant_name="王市民",
        phone="13900139000", category="citizen", statement="", status="pending",
        created_at=dt.datetime.now(dt.timezone.utc),
    ))
engine.dispose()
"""


def test_an_application_in_another_process_shows_within_the_check_interval(
    client: TestClient, staff: Any, settings: Settings
) -> None:
    mid = open_notice(client, staff, capacity=3)
    assert _places(client, mid) == 3
    subprocess.run(
        [sys.executable, "-c", APPLICANT, settings.effective_database_url, str(mid)],
        check=True,
        timeout=60,
    )
    written = time.monotonic()
    while _places(client, mid) == 3:
        # the interval is 0.5 s; the margin absorbs a loaded machine, not a missed re-read
        assert time.monotonic() - written < 3, "another process's application unseen after 3 s"
        time.sleep(0.05)
    assert _places(client, mid) == 2


def test_the_form_goes_when_the_window_closes_without_any_write(
    client: TestClient, staff: Any
) -> None:
    mid = open_notice(client, staff, capacity=3)
    assert "申请列席会议" in _get(client, mid)[0].text
    assert _get(client, mid)[1] == []
    clock: Clock = client.app.state.clock  # type: ignore[attr-defined]
    clock.advance(dt.timedelta(days=60))  # past the deadline and the meeting
    page = _get(client, mid)[0].text
    assert "参会申请已截止" in page and 'name="form_token"' not in page


def test_every_meeting_s_page_is_kept_apart_from_the_feeds(client: TestClient, staff: Any) -> None:
    mids = [open_notice(client, staff, capacity=3, title=f"第{n}次常务会议") for n in range(3)]
    feeds = client.app.state.feed_cache  # type: ignore[attr-defined]
    assert client.get("/feeds/meetings.rss").status_code == 200
    kept = len(feeds)
    for mid in mids:
        _get(client, mid)
    assert len(feeds) == kept
    assert len(client.app.state.form_page_cache) == 3  # type: ignore[attr-defined]


def test_made_up_meeting_numbers_keep_nothing(client: TestClient, staff: Any) -> None:
    """A 404 is not kept, nor its place in the bounded cache: a crawl of made-up numbers must
    not push the real meetings' pages out."""
    mid = open_notice(client, staff, capacity=3)
    _get(client, mid)
    kept = client.app.state.form_page_cache  # type: ignore[attr-defined]
    assert len(kept) == 1
    for made_up in range(mid + 1, mid + 21):
        assert client.get(f"/meetings/{made_up}").status_code == 404
    assert len(kept) == 1 and _get(client, mid)[1] == []
