"""feed_response through a real FastAPI app, with the cache in front of a real builder."""

from __future__ import annotations

import datetime as dt
from email.utils import parsedate_to_datetime
from zoneinfo import ZoneInfo

import feedparser
import icalendar
import pytest
from fastapi import FastAPI, Request, Response
from fastapi.testclient import TestClient

from feeds.cache import BuiltFeed, FeedCache
from feeds.calendar import ICS_MEDIA_TYPE, build_calendar
from feeds.model import CalendarEvent, FeedEntry, FeedInfo, entry_guid, event_uid
from feeds.syndication import ATOM_MEDIA_TYPE, RSS_MEDIA_TYPE, build_atom, build_rss
from publisher.web.conditional import etag_matches, feed_response

SHANGHAI = ZoneInfo("Asia/Shanghai")
BASE = "https://www.smx.gov.cn"


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    """A wall-clock time in Asia/Shanghai."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


UPDATED = local(2026, 10, 9, 9, 30)


class Store:
    """Stands in for the rows behind a feed: the version token changes when they do."""

    def __init__(self) -> None:
        self.titles = ["市政府第12次常务会议"]

    @property
    def version(self) -> tuple[int, str]:
        return (len(self.titles), self.titles[-1])


def make_app(store: Store) -> tuple[FastAPI, FeedCache]:
    app = FastAPI()
    cache = FeedCache()
    info = FeedInfo(
        id=f"{BASE}/feeds/meetings",
        self_url=f"{BASE}/feeds/meetings.atom",
        title="会议预告",
        link=f"{BASE}/meetings",
        updated=UPDATED,
    )

    def entries() -> list[FeedEntry]:
        return [
            FeedEntry(
                guid=entry_guid("meeting", i + 1, 1),
                title=t,
                link=f"{BASE}/meetings/{i + 1}",
                published=UPDATED,
                updated=UPDATED,
            )
            for i, t in enumerate(store.titles)
        ]

    def events() -> list[CalendarEvent]:
        return [
            CalendarEvent(
                uid=event_uid("meeting", i + 1),
                sequence=0,
                summary=t,
                start=local(2026, 10, 20, 9, 30),
                end=local(2026, 10, 20, 11, 0),
                created=UPDATED,
                last_modified=UPDATED,
            )
            for i, t in enumerate(store.titles)
        ]

    builders = {
        "atom": lambda: BuiltFeed.from_body(build_atom(info, entries()), ATOM_MEDIA_TYPE, UPDATED),
        "rss": lambda: BuiltFeed.from_body(build_rss(info, entries()), RSS_MEDIA_TYPE, UPDATED),
        "ics": lambda: BuiltFeed.from_body(
            build_calendar("会议", events()), ICS_MEDIA_TYPE, UPDATED
        ),
    }

    @app.api_route("/feeds/meetings.{fmt}", methods=["GET", "HEAD"])
    def meetings(fmt: str, request: Request) -> Response:
        built = cache.get(
            f"meetings.{fmt}", dict(request.query_params), store.version, builders[fmt]
        )
        return feed_response(request, built, max_age=600)

    return app, cache


@pytest.fixture
def store() -> Store:
    return Store()


@pytest.fixture
def client(store: Store) -> TestClient:
    app, _ = make_app(store)
    return TestClient(app)


@pytest.mark.parametrize(
    ("fmt", "media_type"),
    [
        ("atom", "application/atom+xml; charset=utf-8"),
        ("rss", "application/rss+xml; charset=utf-8"),
        ("ics", "text/calendar; charset=utf-8"),
    ],
)
def test_200_headers_and_parsable_body(client: TestClient, fmt: str, media_type: str) -> None:
    response = client.get(f"/feeds/meetings.{fmt}")
    assert response.status_code == 200
    assert response.headers["content-type"] == media_type
    assert response.headers["cache-control"] == "public, max-age=600"
    etag = response.headers["etag"]
    assert etag.startswith('"') and not etag.startswith("W/")
    modified = parsedate_to_datetime(response.headers["last-modified"])
    assert modified == dt.datetime(2026, 10, 9, 1, 30, tzinfo=dt.UTC)
    assert response.headers["last-modified"].endswith(" GMT")
    assert int(response.headers["content-length"]) == len(response.content)
    if fmt == "ics":
        cal = icalendar.Calendar.from_ical(response.content)
        assert [str(e["SUMMARY"]) for e in cal.walk("VEVENT")] == ["市政府第12次常务会议"]
    else:
        parsed = feedparser.parse(response.content)
        assert not parsed.bozo and parsed.entries[0].title == "市政府第12次常务会议"


def test_if_none_match_gives_304_without_body(client: TestClient) -> None:
    first = client.get("/feeds/meetings.ics")
    etag = first.headers["etag"]
    again = client.get("/feeds/meetings.ics", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == etag
    assert again.headers["cache-control"] == "public, max-age=600"
    assert "content-type" not in again.headers


@pytest.mark.parametrize(
    "header",
    ["W/{etag}", '"other", {etag}', '"a",W/{etag} , "b"', "*"],
)
def test_if_none_match_weak_lists_and_star(client: TestClient, header: str) -> None:
    etag = client.get("/feeds/meetings.atom").headers["etag"]
    response = client.get(
        "/feeds/meetings.atom", headers={"If-None-Match": header.format(etag=etag)}
    )
    assert response.status_code == 304 and response.content == b""


def test_stale_etag_gets_the_new_body(client: TestClient, store: Store) -> None:
    old = client.get("/feeds/meetings.rss")
    store.titles.append("市政府第13次常务会议")
    new = client.get("/feeds/meetings.rss", headers={"If-None-Match": old.headers["etag"]})
    assert new.status_code == 200
    assert new.headers["etag"] != old.headers["etag"]
    assert len(feedparser.parse(new.content).entries) == 2


def test_if_modified_since(client: TestClient) -> None:
    at = "Fri, 09 Oct 2026 01:30:00 GMT"
    assert client.get("/feeds/meetings.ics", headers={"If-Modified-Since": at}).status_code == 304
    later = "Sat, 10 Oct 2026 00:00:00 GMT"
    assert (
        client.get("/feeds/meetings.ics", headers={"If-Modified-Since": later}).status_code == 304
    )
    earlier = "Fri, 09 Oct 2026 01:29:59 GMT"
    response = client.get("/feeds/meetings.ics", headers={"If-Modified-Since": earlier})
    assert response.status_code == 200 and response.content
    garbage = client.get("/feeds/meetings.ics", headers={"If-Modified-Since": "yesterday"})
    assert garbage.status_code == 200


def test_if_none_match_takes_precedence_over_if_modified_since(client: TestClient) -> None:
    headers = {
        "If-None-Match": '"not-the-current-tag"',
        "If-Modified-Since": "Sat, 10 Oct 2026 00:00:00 GMT",
    }
    response = client.get("/feeds/meetings.atom", headers=headers)
    assert response.status_code == 200 and response.content


def test_head_has_headers_and_no_body(client: TestClient) -> None:
    full = client.get("/feeds/meetings.atom")
    head = client.head("/feeds/meetings.atom")
    assert head.status_code == 200
    assert head.content == b""
    for name in ("etag", "last-modified", "content-type", "cache-control", "content-length"):
        assert head.headers[name] == full.headers[name]
    conditional = client.head(
        "/feeds/meetings.atom", headers={"If-None-Match": full.headers["etag"]}
    )
    assert conditional.status_code == 304


def test_cache_builds_once_across_requests(store: Store) -> None:
    app, cache = make_app(store)
    client = TestClient(app)
    for _ in range(5):
        client.get("/feeds/meetings.ics")
        client.get("/feeds/meetings.ics", params={"b": "2", "a": "1"})
        client.get("/feeds/meetings.ics", params={"a": "1", "b": "2"})
    assert cache.builds == 2
    store.titles.append("新会议")
    client.get("/feeds/meetings.ics")
    assert cache.builds == 3


def test_etag_matches_unit() -> None:
    assert etag_matches('"abc"', '"abc"')
    assert etag_matches('W/"abc"', '"abc"')
    assert not etag_matches('"abcd"', '"abc"')
    assert not etag_matches("abc", '"abc"')  # unquoted is not an entity tag
    assert not etag_matches("", '"abc"')
