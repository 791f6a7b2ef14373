"""What a feature declares to be subscribable: a `FeedSource`, served by one route factory.

A source names its feed (`/feeds/{name}.{format}`), its optional filters (query parameters),
what says when to rebuild (the tables it *watches* and the span it stays *steady* in time, or a
cheap *version* token asked per request), and functions of a `FeedContext`: the *rows* it
shows, and what they become:
*entries* (RSS/Atom), for calendar feeds *events* (iCalendar), and the *last modified*
instant. The web layer does the rest: caching, ETag/304, self URLs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from feeds.model import CalendarEvent, FeedEntry

#: (since, until): the clock instants between which time alone leaves a feed unchanged
TimeSpan = tuple[dt.datetime | None, dt.datetime | None]

#: the earliest instant any feed may claim as its last change (an empty feed's date)
FEEDS_EPOCH = dt.datetime(2018, 1, 1, tzinfo=dt.UTC)


@dataclass(frozen=True)
class FeedContext:
    """Everything a source may read: the request's database session (typed loosely so this
    package stays free of storage), the clock, the settings, the site's base URL, filters."""

    session: Any
    now: dt.datetime
    settings: Any
    base_url: str
    filters: Mapping[str, str]
    #: the open-data catalogue's live tables, for the feed of the catalogue itself
    live_tables: Sequence[Any] = ()


@dataclass(frozen=True)
class FeedFilter:
    """One query parameter narrowing a feed, e.g. `?kind=plenary`."""

    name: str
    description: str
    #: the allowed values (an enum's), or None for free text up to `max_length`
    choices: tuple[str, ...] | None = None
    max_length: int = 200
    #: the channel title's suffix for a value, e.g. "（全体会议）"
    title_suffix: Callable[[str], str] = lambda value: f"（{value}）"


@dataclass(frozen=True)
class FeedSource:
    name: str
    title: str
    subtitle: str
    #: the HTML page the feed mirrors, e.g. "/meetings"
    page_path: str
    rows: Callable[[FeedContext], Sequence[Any]]
    entries: Callable[[Sequence[Any], FeedContext], list[FeedEntry]]
    last_modified: Callable[[Sequence[Any], FeedContext], dt.datetime]
    #: a cheap token that changes whenever the content would, asked per request; for a feed
    #: whose content is not all in tables it can `watch` (the datasets: files on disk)
    version: Callable[[FeedContext], Hashable] | None = None
    events: Callable[[Sequence[Any], FeedContext], list[CalendarEvent]] | None = None
    filters: tuple[FeedFilter, ...] = ()
    #: seconds clients and proxies may reuse a response
    max_age: int = 300
    #: the tables the rows come from; when given, the body is kept in memory while their
    #: generations (bumped by every write, in any process) stay the same and the clock stays
    #: within `steady`, and `version` is not asked per request
    watches: tuple[str, ...] = ()
    #: the last and the next instants at which time alone changes the feed (a scheduled
    #: publication, a window opening or closing); None for no such instant
    steady: Callable[[FeedContext], TimeSpan] | None = None

    def __post_init__(self) -> None:
        if not self.watches and self.version is None:
            raise ValueError(f"feed {self.name!r} needs the tables it watches or a version")

    @property
    def formats(self) -> tuple[str, ...]:
        return ("rss", "atom", "ics") if self.events is not None else ("rss", "atom")

    def channel_title(self, filters: Mapping[str, str]) -> str:
        suffix = "".join(f.title_suffix(filters[f.name]) for f in self.filters if f.name in filters)
        return self.title + suffix
