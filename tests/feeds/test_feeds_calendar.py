"""iCalendar output, read back by two independent parsers (icalendar and vobject)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import pytest
import vobject

from feeds.calendar import build_calendar, consultation_deadline_event
from feeds.model import CalendarEvent, EventStatus, event_uid

SHANGHAI = ZoneInfo("Asia/Shanghai")
BASE = "https://www.smx.gov.cn"


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    """A wall-clock time in Asia/Shanghai."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


UTC = dt.UTC
CAL_NAME = "三门峡市政府重大会议"


def meeting(**changes: Any) -> CalendarEvent:
    base = CalendarEvent(
        uid=event_uid("meeting", 42),
        sequence=0,
        summary="市政府第12次常务会议",
        start=local(2026, 10, 9, 9, 30),
        end=local(2026, 10, 9, 11, 30),
        created=local(2026, 9, 28, 10, 0),
        last_modified=local(2026, 9, 28, 10, 0),
        description="主要内容：审议《三门峡市重大行政决策程序规定（草案）》。",
        location="市行政中心 3 楼第一会议室",
        url=f"{BASE}/meetings/42",
        categories=("常务会议",),
    )
    return replace(base, **changes)


def read_both(body: bytes) -> tuple[Any, Any]:
    """(icalendar, vobject) views of one body; Any because both parsers are dynamically shaped."""
    ical: Any = icalendar.Calendar.from_ical(body)
    return ical, vobject.readOne(body.decode("utf-8"))


def only_event(body: bytes, uid: str) -> tuple[Any, Any]:
    ical, vcal = read_both(body)
    ical_events = [e for e in ical.walk("VEVENT") if str(e["UID"]) == uid]
    v_events = [e for e in vcal.vevent_list if e.uid.value == uid]
    assert len(ical_events) == 1 and len(v_events) == 1
    return ical_events[0], v_events[0]


def test_calendar_properties() -> None:
    body = build_calendar(CAL_NAME, [meeting()], description="重大会议预公开")
    ical, vcal = read_both(body)
    assert str(ical["VERSION"]) == "2.0"
    # no METHOD, so that DTSTAMP may be the last revision (RFC 5545 3.8.7.2), not the build time
    assert "METHOD" not in ical
    assert "Sanmenxia" in str(ical["PRODID"])
    assert str(ical["X-WR-CALNAME"]) == CAL_NAME
    assert str(ical["X-WR-TIMEZONE"]) == "Asia/Shanghai"
    refresh = ical["REFRESH-INTERVAL"]
    assert refresh.params["VALUE"] == "DURATION"
    assert refresh.dt == dt.timedelta(hours=1)
    assert str(ical["X-PUBLISHED-TTL"]) == "PT1H"
    assert vcal.x_wr_calname.value == CAL_NAME
    assert not hasattr(vcal, "method")
    # a VTIMEZONE for exactly the zone the events reference, at +08:00 and without DST
    zones = list(ical.walk("VTIMEZONE"))
    assert [str(z["TZID"]) for z in zones] == ["Asia/Shanghai"]
    offsets = {o["TZOFFSETTO"].td for o in zones[0].subcomponents}
    assert offsets == {dt.timedelta(hours=8)}
    assert body.count(b"\r\n") == len(body.splitlines())  # CRLF line endings throughout


def test_times_carry_tzid_and_are_the_right_instants() -> None:
    event, vevent = only_event(build_calendar(CAL_NAME, [meeting()]), event_uid("meeting", 42))
    assert event["DTSTART"].params["TZID"] == "Asia/Shanghai"
    start = event["DTSTART"].dt
    assert (start.hour, start.minute) == (9, 30)
    assert start.astimezone(UTC) == dt.datetime(2026, 10, 9, 1, 30, tzinfo=UTC)
    assert event["DTEND"].dt.astimezone(UTC) == dt.datetime(2026, 10, 9, 3, 30, tzinfo=UTC)
    # vobject resolves the TZID against our VTIMEZONE, not against its own zone database
    assert vevent.dtstart.value.astimezone(UTC) == dt.datetime(2026, 10, 9, 1, 30, tzinfo=UTC)
    assert vevent.dtstart.value.utcoffset() == dt.timedelta(hours=8)
    assert vevent.dtend.value.astimezone(UTC) == dt.datetime(2026, 10, 9, 3, 30, tzinfo=UTC)
    assert vevent.url.value == f"{BASE}/meetings/42"
    assert vevent.location.value == "市行政中心 3 楼第一会议室"
    assert f"{BASE}/meetings/42" in vevent.description.value  # Outlook hides the URL property
    assert event["LAST-MODIFIED"].dt == dt.datetime(2026, 9, 28, 2, 0, tzinfo=UTC)
    assert event["DTSTAMP"].dt == event["LAST-MODIFIED"].dt


def test_input_in_another_zone_is_shown_in_shanghai_time() -> None:
    utc_meeting = meeting(
        start=dt.datetime(2026, 10, 9, 1, 30, tzinfo=UTC),
        end=dt.datetime(2026, 10, 9, 3, 30, tzinfo=UTC),
    )
    event, _ = only_event(build_calendar(CAL_NAME, [utc_meeting]), utc_meeting.uid)
    assert event["DTSTART"].params["TZID"] == "Asia/Shanghai"
    assert event["DTSTART"].dt.replace(tzinfo=None) == dt.datetime(2026, 10, 9, 9, 30)


def test_meeting_life_publish_move_cancel() -> None:
    """One meeting followed through three versions of the feed, as a subscriber sees them."""
    other = meeting(uid=event_uid("meeting", 43), summary="市政府全体会议")
    published = meeting()
    moved = replace(
        published,
        sequence=published.sequence + 1,
        start=local(2026, 10, 10, 15, 0),
        end=local(2026, 10, 10, 17, 0),
        location="市行政中心 5 楼大会议室",
        last_modified=local(2026, 10, 5, 16, 45),
    )
    cancelled = replace(
        moved,
        sequence=moved.sequence + 1,
        status=EventStatus.CANCELLED,
        last_modified=local(2026, 10, 8, 8, 0),
    )
    seen = []
    for version in (published, moved, cancelled):
        body = build_calendar(CAL_NAME, [other, version])
        seen.append(only_event(body, event_uid("meeting", 42)))
        # the other meeting is untouched in every version of the feed
        assert only_event(body, other.uid)[0]["STATUS"] == "CONFIRMED"

    uids = {str(e["UID"]) for e, _ in seen} | {v.uid.value for _, v in seen}
    assert uids == {"meeting-42@smx.gov.cn"}
    assert [int(e["SEQUENCE"]) for e, _ in seen] == [0, 1, 2]
    assert [int(v.sequence.value) for _, v in seen] == [0, 1, 2]
    stamps = [e["DTSTAMP"].dt for e, _ in seen]
    assert stamps == sorted(stamps) and len(set(stamps)) == 3

    first, moved_ev, cancelled_ev = seen
    assert first[1].dtstart.value.astimezone(UTC) == dt.datetime(2026, 10, 9, 1, 30, tzinfo=UTC)
    for ical_ev, v_ev in (moved_ev, cancelled_ev):
        local_start = v_ev.dtstart.value.astimezone(SHANGHAI)
        assert (local_start.day, local_start.hour, local_start.minute) == (10, 15, 0)
        assert v_ev.dtstart.value.astimezone(UTC) == dt.datetime(2026, 10, 10, 7, 0, tzinfo=UTC)
        assert ical_ev["DTSTART"].params["TZID"] == "Asia/Shanghai"
        assert str(ical_ev["LOCATION"]) == "市行政中心 5 楼大会议室"

    assert [str(e["STATUS"]) for e, _ in seen] == ["CONFIRMED", "CONFIRMED", "CANCELLED"]
    assert cancelled_ev[1].status.value == "CANCELLED"
    assert cancelled_ev[1].summary.value == "【已取消】市政府第12次常务会议"
    assert str(cancelled_ev[0]["SUMMARY"]) == "【已取消】市政府第12次常务会议"
    assert "已取消" in cancelled_ev[1].description.value
    assert not str(first[0]["SUMMARY"]).startswith("【已取消】")


def test_cancelled_prefix_is_not_doubled() -> None:
    ev = meeting(status=EventStatus.CANCELLED, summary="【已取消】市政府第12次常务会议")
    event, _ = only_event(build_calendar(CAL_NAME, [ev]), ev.uid)
    assert str(event["SUMMARY"]) == "【已取消】市政府第12次常务会议"


def test_text_is_escaped_for_both_parsers() -> None:
    text = '议题一; 议题二, 议题三\n第二行 <script>&"\\ 反斜杠'
    ev = meeting(summary=text, description=text, location="A; B, C")
    event, vevent = only_event(build_calendar(CAL_NAME, [ev]), ev.uid)
    assert str(event["SUMMARY"]) == text
    assert vevent.summary.value == text
    assert vevent.description.value.startswith(text)
    assert vevent.location.value == "A; B, C"


def test_consultation_deadline_is_a_point_at_the_closing_instant() -> None:
    ev = consultation_deadline_event(
        uid=event_uid("consultation", 7),
        sequence=0,
        title="《三门峡市城区养犬管理办法（草案）》",
        opens=local(2026, 10, 9, 9, 0),
        closes=local(2026, 11, 9, 17, 30),
        created=local(2026, 10, 8, 12, 0),
        last_modified=local(2026, 10, 8, 12, 0),
        url=f"{BASE}/consultations/7",
    )
    event, vevent = only_event(build_calendar("征求意见", [ev]), ev.uid)
    assert event["DTSTART"].dt.astimezone(UTC) == dt.datetime(2026, 11, 9, 9, 30, tzinfo=UTC)
    assert "DTEND" not in event and "DURATION" not in event
    assert not hasattr(vevent, "dtend")
    assert vevent.dtstart.value.astimezone(SHANGHAI).strftime("%H:%M") == "17:30"
    assert str(event["TRANSP"]) == "TRANSPARENT"
    assert vevent.summary.value.startswith("【征求意见截止】")
    assert "2026年10月9日 09:00 至 2026年11月9日 17:30" in vevent.description.value


def test_all_day_event_uses_dates_with_exclusive_end() -> None:
    ev = meeting(
        uid=event_uid("display", 3),
        all_day=True,
        start=local(2026, 10, 12, 0, 0),
        end=local(2026, 10, 16, 23, 59),
    )
    event, vevent = only_event(build_calendar(CAL_NAME, [ev]), ev.uid)
    assert event["DTSTART"].dt == dt.date(2026, 10, 12)
    assert event["DTEND"].dt == dt.date(2026, 10, 17)
    assert vevent.dtstart.value == dt.date(2026, 10, 12)
    assert vevent.dtend.value == dt.date(2026, 10, 17)


def test_all_day_takes_the_shanghai_day_not_the_utc_day() -> None:
    # 2026-10-12 07:00 Shanghai is still 2026-10-11 in UTC
    ev = meeting(all_day=True, start=local(2026, 10, 12, 7, 0), end=None)
    event, _ = only_event(build_calendar(CAL_NAME, [ev]), ev.uid)
    assert (event["DTSTART"].dt, event["DTEND"].dt) == (
        dt.date(2026, 10, 12),
        dt.date(2026, 10, 13),
    )


def test_refusals() -> None:
    with pytest.raises(ValueError, match="naive"):
        meeting(start=dt.datetime(2026, 10, 9, 9, 30))
    with pytest.raises(ValueError, match="later"):
        meeting(end=local(2026, 10, 9, 9, 30))
    with pytest.raises(ValueError, match="negative"):
        meeting(sequence=-1)
    with pytest.raises(ValueError, match="duplicate UIDs"):
        build_calendar(CAL_NAME, [meeting(), meeting(summary="again")])


def test_output_is_deterministic() -> None:
    events = [meeting(uid=event_uid("meeting", i)) for i in range(5)]
    assert build_calendar(CAL_NAME, events) == build_calendar(CAL_NAME, list(reversed(events)))


def test_thousand_events_build_and_parse() -> None:
    events = [
        meeting(
            uid=event_uid("meeting", i),
            start=local(2026, 1, 1, 9, 30) + dt.timedelta(days=i),
            end=local(2026, 1, 1, 11, 30) + dt.timedelta(days=i),
        )
        for i in range(1000)
    ]
    body = build_calendar(CAL_NAME, events)
    ical, vcal = read_both(body)
    assert len(list(ical.walk("VEVENT"))) == 1000
    assert len(vcal.vevent_list) == 1000
