"""Consultation feeds: a window followed through opening, extension, closing and its summary."""

from __future__ import annotations

import datetime as dt
from typing import Any

import feedparser
import icalendar
import vobject
from fastapi.testclient import TestClient

from tests.support.bodies import comment_body, open_consultation
from tests.support.clock import Clock, local


def _rss_titles(client: TestClient) -> list[str]:
    parsed = feedparser.parse(client.get("/feeds/consultations.rss").content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    return [e.title for e in parsed.entries]


def test_consultation_window_in_feeds(app_client: TestClient, staff: Any) -> None:
    clock = Clock(local(2026, 11, 23, 9, 0))
    app_client.app.state.clock = clock  # type: ignore[attr-defined]
    client = app_client
    draft_id = open_consultation(client, staff.headers("editor"))
    link = f"http://testserver/consultations/{draft_id}"

    ics = client.get("/feeds/consultations.ics")
    assert ics.headers["content-type"] == "text/calendar; charset=utf-8"
    (event,) = icalendar.Calendar.from_ical(ics.content).walk("VEVENT")
    uid = str(event["UID"])
    # a deadline event at the closing instant: 2026-12-07 00:00 Shanghai = 12-06 16:00 UTC
    assert event.decoded("DTSTART").astimezone(dt.UTC) == dt.datetime(
        2026, 12, 6, 16, 0, tzinfo=dt.UTC
    )
    assert event["DTSTART"].params["TZID"] == "Asia/Shanghai"
    assert str(event["URL"]) == link
    assert _rss_titles(client) == ["【征求意见】三门峡市城区停车管理办法（征求意见稿）"]

    clock.now = local(2026, 11, 30, 10, 0)
    extended = client.post(
        f"/api/v1/staff/consultations/{draft_id}/extend",
        json={"closes_at": local(2026, 12, 14, 0, 0).isoformat(), "reason": "应群众要求延长"},
        headers=staff.headers("editor"),
    )
    assert extended.status_code == 200, extended.text
    (event,) = icalendar.Calendar.from_ical(client.get("/feeds/consultations.ics").content).walk(
        "VEVENT"
    )
    assert str(event["UID"]) == uid and int(str(event["SEQUENCE"])) >= 1
    assert event.decoded("DTSTART") == local(2026, 12, 14, 0, 0)
    vevent = vobject.readOne(client.get("/feeds/consultations.ics").text).vevent
    assert vevent.uid.value == uid
    assert vevent.dtstart.value.astimezone(dt.UTC) == dt.datetime(
        2026, 12, 13, 16, 0, tzinfo=dt.UTC
    )
    assert any(t.startswith("【延长征求意见期】") for t in _rss_titles(client))

    comment = client.post(f"/api/v1/consultations/{draft_id}/comments", json=comment_body())
    assert comment.status_code == 201, comment.text
    # closing happens by the clock alone: the feed changes without any write
    before = client.get("/feeds/consultations.rss").headers["etag"]
    clock.now = local(2026, 12, 14, 0, 0)
    after = client.get("/feeds/consultations.rss", headers={"If-None-Match": before})
    assert after.status_code == 200
    assert any(t.startswith("【征求意见结束】") for t in _rss_titles(client))

    queue = client.get(
        f"/api/v1/staff/consultations/{draft_id}/comments", headers=staff.headers("editor")
    ).json()
    client.post(
        f"/api/v1/staff/consultations/{draft_id}/answers",
        json={"comment_ids": [c["id"] for c in queue], "disposition": "adopted", "reason": "采纳"},
        headers=staff.headers("editor"),
    )

    def deadline_sequence() -> int:
        calendar = icalendar.Calendar.from_ical(client.get("/feeds/consultations.ics").content)
        (deadline,) = calendar.walk("VEVENT")
        return int(str(deadline["SEQUENCE"]))

    sequence = deadline_sequence()
    summary = client.post(
        f"/api/v1/staff/consultations/{draft_id}/summary",
        json={"outcome_text": "办法已修改"},
        headers=staff.headers("reviewer"),
    )
    assert summary.status_code == 200, summary.text
    titles = _rss_titles(client)
    assert any(t.startswith("【意见采纳情况】") for t in titles)
    # the deadline did not move: calendars must not be told the event was revised
    assert deadline_sequence() == sequence
    atom = feedparser.parse(client.get("/feeds/consultations.atom").content)
    assert not atom.bozo and {e.link for e in atom.entries} == {link}
    assert len({e.id for e in atom.entries}) == len(atom.entries) == 4
