"""Input types of the feed builders.

The web layer adapts domain objects (meetings, consultations, notices) to these plain frozen
dataclasses, so that the builders stay pure: no database, no HTTP, no clock. Every datetime must
be aware; a naive one is refused at construction because guessing its zone is exactly how a
calendar ends up an hour (or eight) off.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from urllib.parse import urlencode

#: Authority and date of the tag URIs (RFC 4151) used as entry GUIDs. Both are part of every
#: GUID ever published, so they must never change, whatever the year.
TAG_AUTHORITY = "smx.gov.cn"
TAG_DATE = "2026"

#: Domain of the iCalendar UIDs; as permanent as the tag authority above.
UID_DOMAIN = "smx.gov.cn"

#: The issuing office, the default author of every entry: a feed never names a private person.
DEFAULT_AUTHOR = "三门峡市人民政府办公室"

_SEGMENT = re.compile(r"^[A-Za-z0-9._-]+$")
# Characters XML 1.0 and RFC 5545 TEXT cannot carry (C0 controls except tab, LF, CR; surrogates;
# U+FFFE/U+FFFF). PDF extraction leaves form feeds behind, which lxml would refuse outright.
_INVALID_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def clean_text(text: str) -> str:
    """Drop characters that XML and iCalendar cannot carry (a form feed becomes a space), and
    end lines with LF only: text typed in a browser form arrives with CRLF, which XML writes
    as a visible ``&#13;`` in every line of a reader's view."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _INVALID_CHARS.sub(lambda m: " " if m.group() == "\x0c" else "", text)


def _require_aware(name: str, value: dt.datetime | None) -> None:
    if value is None:
        return
    if not isinstance(value, dt.datetime):
        raise TypeError(f"{name} must be a datetime, got {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} is a naive datetime: feed times must carry a time zone")


def _check_segment(name: str, value: str) -> str:
    if not _SEGMENT.match(value):
        raise ValueError(f"{name} must be letters, digits, '.', '_' or '-', got {value!r}")
    return value


def feed_id(name: str, filters: Mapping[str, str]) -> str:
    """A feed's permanent Atom id, e.g. ``tag:smx.gov.cn,2026:feed/meetings?kind=plenary``:
    not its URL, which changes with the host the service runs under (RFC 4287 4.2.6: an id
    never changes)."""
    query = urlencode(sorted(filters.items()))
    return f"tag:{TAG_AUTHORITY},{TAG_DATE}:feed/{_check_segment('name', name)}" + (
        f"?{query}" if query else ""
    )


def entry_guid(kind: str, object_id: int | str, revision: int) -> str:
    """The GUID of one published revision, e.g. ``tag:smx.gov.cn,2026:meeting/42/rev/3``.

    Each revision gets its own GUID so that readers show an update as a new item (a reader that
    sees a known GUID keeps its old copy silently); all revisions link to the same notice page.
    """
    if revision < 1:
        raise ValueError("revision numbers start at 1")
    kind = _check_segment("kind", kind)
    oid = _check_segment("object_id", str(object_id))
    return f"tag:{TAG_AUTHORITY},{TAG_DATE}:{kind}/{oid}/rev/{revision}"


def event_uid(kind: str, object_id: int | str) -> str:
    """The UID of a calendar event, e.g. ``meeting-42@smx.gov.cn``: one per meeting, for life.

    It never contains a revision, a time or a status: calendar apps match updates to the event
    they already hold by UID alone, and a new UID after a reschedule leaves a stale duplicate.
    """
    kind = _check_segment("kind", kind)
    oid = _check_segment("object_id", str(object_id))
    return f"{kind}-{oid}@{UID_DOMAIN}"


@dataclass(frozen=True, slots=True)
class Enclosure:
    """A downloadable file attached to an entry."""

    url: str
    #: bytes
    length: int
    media_type: str


@dataclass(frozen=True, slots=True)
class FeedInfo:
    """Channel-level data of an RSS or Atom feed."""

    #: permanent identifier of the feed (Atom ``id``): a tag URI (`feed_id`), not a URL
    id: str
    #: URL this feed is served at (``<link rel="self">``), with its filter parameters
    self_url: str
    title: str
    #: the HTML page a reader opens from the feed
    link: str
    #: when any entry last changed; stamped into the feed, so it must come from the data
    updated: dt.datetime
    subtitle: str = ""
    language: str = "zh-CN"
    author_name: str = DEFAULT_AUTHOR

    def __post_init__(self) -> None:
        _require_aware("FeedInfo.updated", self.updated)
        for name in ("id", "self_url", "title", "link"):
            if not getattr(self, name):
                raise ValueError(f"FeedInfo.{name} must not be empty")


@dataclass(frozen=True, slots=True)
class FeedEntry:
    """One item: one published revision of a notice (see `entry_guid`)."""

    guid: str
    title: str
    #: the public page of the notice; the same for every revision
    link: str
    published: dt.datetime
    updated: dt.datetime
    #: short plain text or HTML shown by readers in lists
    summary: str = ""
    #: full body, HTML or plain text according to `content_is_html`
    content: str = ""
    content_is_html: bool = False
    categories: tuple[str, ...] = ()
    #: files that go with the entry (a draft's basis and explanation): RSS carries the first
    #: (RSS 2.0 allows one per item), Atom all of them as ``link rel="enclosure"``
    enclosures: tuple[Enclosure, ...] = ()
    #: the issuing office; never a private person's name
    author_name: str = DEFAULT_AUTHOR

    def __post_init__(self) -> None:
        _require_aware("FeedEntry.published", self.published)
        _require_aware("FeedEntry.updated", self.updated)
        if not self.guid or not self.title or not self.link:
            raise ValueError("FeedEntry needs a guid, a title and a link")
        if self.updated < self.published:
            raise ValueError("FeedEntry.updated is earlier than FeedEntry.published")


class EventStatus(StrEnum):
    CONFIRMED = "CONFIRMED"
    TENTATIVE = "TENTATIVE"
    CANCELLED = "CANCELLED"


@dataclass(frozen=True, slots=True)
class CalendarEvent:
    """One calendar event: a meeting, or the closing instant of a consultation.

    Shapes:

    * timed event: ``start`` and ``end`` (end after start);
    * point in time (a deadline): ``end`` is None, the event has no duration;
    * all-day: ``all_day`` True; the event covers the Asia/Shanghai calendar days from the day
      of ``start`` through the day of ``end`` inclusive (``end`` None: a single day).

    ``sequence`` is the RFC 5545 revision counter. The service raises it by one on every change
    that matters to an attendee (time, place, status, cancellation); calendar apps ignore an
    update whose SEQUENCE is not higher than the copy they hold.
    """

    uid: str
    sequence: int
    summary: str
    start: dt.datetime
    end: dt.datetime | None
    created: dt.datetime
    last_modified: dt.datetime
    status: EventStatus = EventStatus.CONFIRMED
    description: str = ""
    location: str = ""
    #: the public notice page
    url: str = ""
    all_day: bool = False
    categories: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        for name in ("start", "end", "created", "last_modified"):
            _require_aware(f"CalendarEvent.{name}", getattr(self, name))
        if not self.uid or not self.summary:
            raise ValueError("CalendarEvent needs a uid and a summary")
        if self.sequence < 0:
            raise ValueError("CalendarEvent.sequence must not be negative")
        if self.end is not None:
            if self.all_day:
                if self.end < self.start:
                    raise ValueError("CalendarEvent.end is before its start")
            elif self.end <= self.start:
                raise ValueError("CalendarEvent.end must be later than its start")
        if self.last_modified < self.created:
            raise ValueError("CalendarEvent.last_modified is earlier than its creation")
