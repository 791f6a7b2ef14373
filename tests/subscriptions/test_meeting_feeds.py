"""Meeting feeds as real consumers read them: a meeting followed through publish → move → cancel.

iCalendar is read by two independent parsers (icalendar and vobject), RSS/Atom by feedparser.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import feedparser
import icalendar
import pytest
import vobject
from fastapi.testclient import TestClient

from publisher.settings import Settings
from publisher.web.app import create_app
from tests.support.bodies import notice_body
from tests.support.clock import MEETINGS_NOW, Clock, local

SHANGHAI = "Asia/Shanghai"


@pytest.fixture
def clock() -> Clock:
    return Clock(MEETINGS_NOW)


@pytest.fixture
def client(settings: Settings, clock: Clock) -> Iterator[TestClient]:
    app = create_app(settings)
    app.state.clock = clock
    with TestClient(app, base_url="http://testserver") as c:
        yield c
    app.state.engine.dispose()


def _publish(client: TestClient, staff: Any, **overrides: Any) -> int:
    created = client.post(
        "/api/v1/staff/meetings", json=notice_body(**overrides), headers=staff.headers("editor")
    )
    assert created.status_code == 201, created.text
    meeting_id: int = created.json()["id"]
    published = client.post(
        f"/api/v1/staff/meetings/{meeting_id}/publish",
        json={"publication_at": MEETINGS_NOW.isoformat()},
        headers=staff.headers("editor"),
    )
    assert published.status_code == 200, published.text
    return meeting_id


def _events(body: bytes) -> list[Any]:
    calendar = icalendar.Calendar.from_ical(body)
    return list(calendar.walk("VEVENT"))


def _vobject_events(body: bytes) -> list[Any]:
    parsed = vobject.readOne(body.decode("utf-8"))
    return list(getattr(parsed, "vevent_list", []))


def test_meeting_followed_through_publish_move_cancel(
    client: TestClient, staff: Any, clock: Clock
) -> None:
    meeting_id = _publish(client, staff)

    first = client.get("/feeds/meetings.ics")
    assert first.status_code == 200
    assert first.headers["content-type"] == "text/calendar; charset=utf-8"
    calendar = icalendar.Calendar.from_ical(first.content)
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == [SHANGHAI]
    (event,) = _events(first.content)
    uid = str(event["UID"])
    assert event["SEQUENCE"] == 0
    start = event.decoded("DTSTART")
    assert event["DTSTART"].params["TZID"] == SHANGHAI
    assert start == local(2026, 12, 7, 9, 30)
    assert start.astimezone(dt.UTC) == dt.datetime(2026, 12, 7, 1, 30, tzinfo=dt.UTC)
    assert str(event["LOCATION"]) == "市政府第一会议室"
    assert str(event["URL"]) == f"http://testserver/meetings/{meeting_id}"
    assert b"REFRESH-INTERVAL" in first.content and b"X-PUBLISHED-TTL" in first.content
    # the calendar describes itself as docs/feeds.md promises (before: no description at all)
    assert str(calendar["X-WR-CALDESC"]) == str(calendar["DESCRIPTION"])
    assert "重大会议" in str(calendar["X-WR-CALDESC"])
    # an independent parser agrees
    (vevent,) = _vobject_events(first.content)
    assert vevent.uid.value == uid
    assert vevent.dtstart.value.astimezone(dt.UTC) == dt.datetime(2026, 12, 7, 1, 30, tzinfo=dt.UTC)

    # move the meeting half an hour later
    clock.now = MEETINGS_NOW + dt.timedelta(hours=1)
    moved = client.patch(
        f"/api/v1/staff/meetings/{meeting_id}",
        json={
            "starts_at": local(2026, 12, 7, 10, 0).isoformat(),
            "ends_at": local(2026, 12, 7, 12, 0).isoformat(),
            "reason": "会议时间调整",
        },
        headers=staff.headers("editor"),
    )
    assert moved.status_code == 200, moved.text
    second = client.get("/feeds/meetings.ics")
    (event,) = _events(second.content)
    assert str(event["UID"]) == uid
    assert event["SEQUENCE"] == 1
    assert event.decoded("DTSTART").astimezone(dt.UTC) == dt.datetime(
        2026, 12, 7, 2, 0, tzinfo=dt.UTC
    )
    assert event.decoded("DTEND") == local(2026, 12, 7, 12, 0)

    # cancel: the event stays, marked cancelled, with a higher sequence
    clock.now = MEETINGS_NOW + dt.timedelta(hours=2)
    cancelled = client.post(
        f"/api/v1/staff/meetings/{meeting_id}/cancel",
        json={"reason": "因故取消"},
        headers=staff.headers("editor"),
    )
    assert cancelled.status_code == 200, cancelled.text
    third = client.get("/feeds/meetings.ics")
    (event,) = _events(third.content)
    assert str(event["UID"]) == uid
    assert event["SEQUENCE"] == 2
    assert str(event["STATUS"]) == "CANCELLED"
    assert str(event["SUMMARY"]).startswith("【已取消】")
    (vevent,) = _vobject_events(third.content)
    assert vevent.status.value == "CANCELLED" and int(vevent.sequence.value) == 2
    assert event.decoded("LAST-MODIFIED") > dt.datetime(2026, 11, 22, 2, 0, tzinfo=dt.UTC)

    # RSS and Atom: one entry per published revision, all linking to the same notice
    for path in ("/feeds/meetings.rss", "/feeds/meetings.atom"):
        response = client.get(path)
        parsed = feedparser.parse(response.content)
        assert not parsed.bozo, parsed.get("bozo_exception")
        links = {e.link for e in parsed.entries}
        assert links == {f"http://testserver/meetings/{meeting_id}"}
        guids = [e.id for e in parsed.entries]
        assert len(guids) == 3 and len(set(guids)) == 3
        titles = sorted(e.title for e in parsed.entries)
        assert any(t.startswith("【已取消】") for t in titles)
        assert any(t.startswith("【变更】") for t in titles)
    # each entry shows the notice as it was then (before: all three said "已取消" and 10:00)
    by_kind = {
        e.title.split("】")[0]: e.summary for e in feedparser.parse(response.content).entries
    }
    announced, moved_entry = by_kind["【公开预告"], by_kind["【变更"]
    assert "09:30" in announced and "已取消" not in announced
    assert "10:00" in moved_entry and "09:30" not in moved_entry and "已取消" not in moved_entry
    assert "本次会议已取消。原因：因故取消" in by_kind["【已取消"]
    rss = client.get("/feeds/meetings.rss")
    assert rss.headers["content-type"] == "application/rss+xml; charset=utf-8"
    atom = client.get("/feeds/meetings.atom")
    assert atom.headers["content-type"] == "application/atom+xml; charset=utf-8"


def test_conditional_get_and_rebuild_on_change(client: TestClient, staff: Any) -> None:
    _publish(client, staff)
    first = client.get("/feeds/meetings.rss")
    etag = first.headers["etag"]
    assert first.headers["last-modified"]
    assert "max-age" in first.headers["cache-control"]
    again = client.get("/feeds/meetings.rss", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    since = client.get(
        "/feeds/meetings.rss", headers={"If-Modified-Since": first.headers["last-modified"]}
    )
    assert since.status_code == 304 and since.content == b""
    cache = client.app.state.feed_cache  # type: ignore[attr-defined]
    builds = cache.builds
    for _ in range(5):
        client.get("/feeds/meetings.rss")
    assert cache.builds == builds  # built once per change, not per request
    _publish(client, staff, title="市政府第十一次全体会议")
    changed = client.get("/feeds/meetings.rss", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["etag"] != etag
    assert "第十一次" in changed.text


def test_notice_appears_exactly_at_its_publication_time(
    client: TestClient, staff: Any, clock: Clock
) -> None:
    created = client.post(
        "/api/v1/staff/meetings", json=notice_body(), headers=staff.headers("editor")
    ).json()
    at = MEETINGS_NOW + dt.timedelta(hours=3)
    client.post(
        f"/api/v1/staff/meetings/{created['id']}/publish",
        json={"publication_at": at.isoformat()},
        headers=staff.headers("editor"),
    )
    clock.now = at - dt.timedelta(seconds=1)
    assert _events(client.get("/feeds/meetings.ics").content) == []
    clock.now = at
    assert len(_events(client.get("/feeds/meetings.ics").content)) == 1


def test_withheld_meetings_and_other_kinds_are_filtered(client: TestClient, staff: Any) -> None:
    _publish(client, staff, title="公开的全体会议")
    _publish(client, staff, title="涉密事项会议", withheld=True)
    _publish(
        client,
        staff,
        kind="executive",
        title="市政府常务会议",
        starts_at=local(2026, 12, 8, 9, 0).isoformat(),
        ends_at=local(2026, 12, 8, 11, 0).isoformat(),
    )
    everything = client.get("/feeds/meetings.rss").text
    assert "涉密事项会议" not in everything
    assert "公开的全体会议" in everything and "市政府常务会议" in everything
    plenary = feedparser.parse(client.get("/feeds/meetings.rss?kind=plenary").content)
    assert {e.title for e in plenary.entries} == {"【公开预告】公开的全体会议"}
    # the feed's Atom id is permanent, not the host it happens to be served under
    atom = feedparser.parse(client.get("/feeds/meetings.atom?kind=plenary").content)
    assert atom.feed.id == "tag:smx.gov.cn,2026:feed/meetings?kind=plenary"
    assert feedparser.parse(client.get("/feeds/meetings.atom").content).feed.id == (
        "tag:smx.gov.cn,2026:feed/meetings"
    )
    assert client.get("/feeds/meetings.ics?kind=nonsense").status_code == 422


def test_subscribe_page_explains_webcal(client: TestClient, settings: Settings) -> None:
    page = client.get("/subscribe")
    assert page.status_code == 200
    assert "webcal://testserver/feeds/meetings.ics" in page.text
    assert 'rel="alternate" type="application/rss+xml"' in page.text
    for name in ("meetings", "consultations", "documents", "datasets"):
        assert f'href="/feeds/{name}.atom"' in page.text
    secure = create_app(settings.model_copy(update={"base_url": "https://www.smx.gov.cn"}))
    with TestClient(secure, base_url="https://www.smx.gov.cn") as https_client:
        https_page = https_client.get("/subscribe").text
    secure.state.engine.dispose()
    assert "webcals://www.smx.gov.cn/feeds/meetings.ics" in https_page
    assert "webcal://" not in https_page


def test_documents_and_datasets_have_atom_too(client: TestClient, settings: Settings) -> None:
    from publisher.documents.store import load_bundled_data

    with client.app.state.session_factory() as session:  # type: ignore[attr-defined]
        load_bundled_data(settings, session)
        session.commit()
    for name in ("documents", "datasets"):
        atom = client.get(f"/feeds/{name}.atom")
        assert atom.headers["content-type"] == "application/atom+xml; charset=utf-8"
        parsed = feedparser.parse(atom.content)
        rss = feedparser.parse(client.get(f"/feeds/{name}.rss").content)
        assert not parsed.bozo and not rss.bozo
        assert parsed.version == "atom10" and rss.version == "rss20"
        assert [e.id for e in parsed.entries] == [e.id for e in rss.entries]
        assert len(parsed.entries) > 0


@pytest.mark.parametrize("path", ["/feeds/meetings.rss", "/feeds/meetings.ics"])
def test_gzip_is_compressed_once_with_its_own_etag_and_vary(
    client: TestClient, staff: Any, path: str
) -> None:
    """Issue #15: gzip was redone per response (at level 9) and carried the identity body's
    strong ETag. Now each encoding has its body, built once, and its own ETag."""
    for day in (7, 8, 9):
        _publish(
            client,
            staff,
            title=f"市政府第{day}次全体会议",
            starts_at=local(2026, 12, day, 9, 30).isoformat(),
            ends_at=local(2026, 12, day, 11).isoformat(),
        )
    plain = client.get(path, headers={"Accept-Encoding": "identity"})
    packed = client.get(path, headers={"Accept-Encoding": "gzip, br;q=0.5"})
    assert "content-encoding" not in plain.headers
    assert packed.headers["content-encoding"] == "gzip"
    assert int(packed.headers["content-length"]) < len(plain.content)
    assert packed.content == plain.content  # the same representation, decoded
    assert plain.headers["vary"] == packed.headers["vary"] == "Accept-Encoding"
    assert packed.headers["etag"] != plain.headers["etag"]
    assert packed.headers["etag"].endswith('-gz"')
    # each validator revalidates its own encoding
    again = client.get(
        path, headers={"Accept-Encoding": "gzip", "If-None-Match": packed.headers["etag"]}
    )
    assert again.status_code == 304 and again.headers["vary"] == "Accept-Encoding"
    crossed = client.get(
        path, headers={"Accept-Encoding": "identity", "If-None-Match": packed.headers["etag"]}
    )
    assert crossed.status_code == 200
    refused = client.get(path, headers={"Accept-Encoding": "gzip;q=0, *;q=0"})
    assert "content-encoding" not in refused.headers
