"""iCalendar (RFC 5545) builder for subscribed calendars.

What calendar apps need so that a subscription stays right after every change:

* one UID per meeting for its whole life (`feeds.model.event_uid`), and a SEQUENCE the service
  raises on every change that matters to an attendee (time, place, status); clients keep their
  copy when the SEQUENCE did not go up;
* times with ``TZID=Asia/Shanghai`` and a matching VTIMEZONE, never floating local times (read
  as the subscriber's own zone) nor only UTC (shown right but edited wrong);
* a cancelled meeting stays in the feed with STATUS:CANCELLED and a visible 【已取消】: a
  subscribed calendar that merely stops seeing an event deletes it without a word.

Pure: DTSTAMP is the event's LAST-MODIFIED, not "now", so identical input gives identical bytes
and an unchanged calendar keeps its ETag. That is what RFC 5545 (3.8.7.2) asks of an object
*without* a METHOD: "the date and time that the information associated with the calendar
component was last revised". With METHOD:PUBLISH it would have to be the build instant, so the
calendar carries no METHOD: a subscription is not an iTIP message, and subscribing clients
read it the same.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from icalendar import Calendar, Event, Timezone, vDuration

from feeds.model import CalendarEvent, EventStatus, clean_text
from publisher.timeutil import LOCAL_TZ, format_local, to_local

ICS_MEDIA_TYPE = "text/calendar; charset=utf-8"
PRODID = "-//Sanmenxia Municipal People's Government//smx-publisher feeds//ZH"
CANCELLED_PREFIX = "【已取消】"
DEADLINE_PREFIX = "【征求意见截止】"
#: how often subscribers should poll; Outlook reads X-PUBLISHED-TTL, Apple REFRESH-INTERVAL
REFRESH = dt.timedelta(hours=1)

# Asia/Shanghai has had no daylight saving since 1991; a VTIMEZONE starting here has a single
# +08:00 observance that holds indefinitely, which every client understands.
_VTIMEZONE_FROM = dt.date(2000, 1, 1)


def _utc(value: dt.datetime) -> dt.datetime:
    return value.astimezone(dt.UTC)


def _vtimezone(events: list[CalendarEvent]) -> Timezone:
    first = _VTIMEZONE_FROM
    if events:
        earliest = min(to_local(e.start).date() for e in events)
        first = min(first, dt.date(earliest.year, 1, 1))
    tz = Timezone.from_tzinfo(LOCAL_TZ, tzid="Asia/Shanghai", first_date=first)
    # The generated COMMENT claims a validity window that is meaningless for a zone without DST.
    tz.pop("COMMENT", None)
    return tz


def _summary(event: CalendarEvent) -> str:
    summary = clean_text(event.summary)
    if event.status is EventStatus.CANCELLED and not summary.startswith(CANCELLED_PREFIX):
        summary = CANCELLED_PREFIX + summary
    return summary


def _description(event: CalendarEvent) -> str:
    parts = []
    if event.status is EventStatus.CANCELLED:
        parts.append("本事项已取消。")
    if event.description:
        parts.append(clean_text(event.description))
    if event.url:
        # Outlook and Google do not show the URL property; the link must be in the text too.
        parts.append(f"详情：{event.url}")
    return "\n\n".join(parts)


def _vevent(event: CalendarEvent) -> Event:
    vevent = Event()
    vevent.add("uid", event.uid)
    vevent.add("sequence", event.sequence)
    vevent.add("dtstamp", _utc(event.last_modified))
    vevent.add("created", _utc(event.created))
    vevent.add("last-modified", _utc(event.last_modified))
    vevent.add("summary", _summary(event))
    if event.all_day:
        first_day = to_local(event.start).date()
        last_day = to_local(event.end).date() if event.end is not None else first_day
        vevent.add("dtstart", first_day)
        vevent.add("dtend", last_day + dt.timedelta(days=1))  # DTEND of a DATE is exclusive
    else:
        vevent.add("dtstart", to_local(event.start))
        if event.end is not None:
            vevent.add("dtend", to_local(event.end))
        # No DTEND: a point in time (RFC 5545 3.6.1), used for consultation deadlines.
    description = _description(event)
    if description:
        vevent.add("description", description)
    if event.location:
        vevent.add("location", clean_text(event.location))
    if event.url:
        vevent.add("url", event.url)
    vevent.add("status", event.status.value)
    if event.categories:
        vevent.add("categories", [clean_text(c) for c in event.categories])
    vevent.add("class", "PUBLIC")
    # Subscribers follow these events; they should not block their free/busy time.
    vevent.add("transp", "TRANSPARENT")
    return vevent


def build_calendar(name: str, events: Iterable[CalendarEvent], description: str = "") -> bytes:
    """A complete VCALENDAR (no METHOD: see the module) with an Asia/Shanghai VTIMEZONE, UTF-8,
    CRLF."""
    ordered = sorted(events, key=lambda e: (_utc(e.start), e.uid))
    uids = [e.uid for e in ordered]
    if len(set(uids)) != len(uids):
        raise ValueError("duplicate UIDs in one calendar: one event per meeting")
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("name", clean_text(name))
    cal.add("x-wr-calname", clean_text(name))
    if description:
        cal.add("description", clean_text(description))
        cal.add("x-wr-caldesc", clean_text(description))
    cal.add("x-wr-timezone", "Asia/Shanghai")
    cal.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    ttl: bytes = vDuration(REFRESH).to_ical()  # type: ignore[no-untyped-call]
    cal.add("x-published-ttl", ttl.decode("ascii"))
    cal.add_component(_vtimezone(ordered))
    for event in ordered:
        cal.add_component(_vevent(event))
    body: bytes = cal.to_ical()
    return body


def consultation_deadline_event(
    *,
    uid: str,
    sequence: int,
    title: str,
    opens: dt.datetime,
    closes: dt.datetime,
    created: dt.datetime,
    last_modified: dt.datetime,
    url: str,
    how_to_comment: str = "",
    status: EventStatus = EventStatus.CONFIRMED,
) -> CalendarEvent:
    """A consultation as one point-in-time event at the instant the window closes.

    Not a multi-day all-day event: see docs/feeds.md, "Consultation windows".
    """
    if closes <= opens:
        raise ValueError("a consultation must close after it opens")
    window = f"征求意见时间：{format_local(opens)} 至 {format_local(closes)}（北京时间）。"
    text = f"{window}\n{how_to_comment}" if how_to_comment else window
    return CalendarEvent(
        uid=uid,
        sequence=sequence,
        summary=f"{DEADLINE_PREFIX}{title}",
        start=closes,
        end=None,
        created=created,
        last_modified=last_modified,
        status=status,
        description=text,
        url=url,
        categories=("征求意见",),
    )
