"""The public list of meetings: paged, and a constant handful of SQL statements whatever the
number of notices (issue #15: 1,000 notices took 1,990 statements and 617 ms per view)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import event, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from bench._meetings import plant_published_notices
from publisher.meetings.models import MeetingNotice
from tests.support.clock import MEETINGS_NOW

#: the API list: count, notices (their outcome joined), revisions, agenda items, their
#: documents, places taken
MAX_STATEMENTS = 6


def _plant(factory: sessionmaker[Session], count: int) -> None:
    """`count` published notices, half held already, each with an application and a change."""
    with factory() as session:
        plant_published_notices(session, count, now=MEETINGS_NOW)
        session.commit()


@contextmanager
def _statements(engine: Engine) -> Iterator[list[str]]:
    seen: list[str] = []

    def record(*args: Any) -> None:
        seen.append(args[2])

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def _count(client: TestClient, path: str, **params: Any) -> int:
    engine = client.app.state.engine  # type: ignore[attr-defined]
    with _statements(engine) as seen:
        response = client.get(path, params=params)
    assert response.status_code == 200, response.text
    return len(seen)


def test_the_list_costs_the_same_few_statements_for_ten_or_a_hundred_and_twenty(
    client: TestClient,
) -> None:
    factory = client.app.state.session_factory  # type: ignore[attr-defined]
    _plant(factory, 10)
    small = {
        "page": _count(client, "/meetings"),
        "api": _count(client, "/api/v1/meetings"),
        "detail": _count(client, "/api/v1/meetings/1"),
    }
    _plant(factory, 110)
    large = {
        "page": _count(client, "/meetings"),
        "page 2": _count(client, "/meetings", page=2),
        "api": _count(client, "/api/v1/meetings"),
        "api 2": _count(client, "/api/v1/meetings", page=2, per_page=50),
        "detail": _count(client, "/api/v1/meetings/1"),
    }
    # a page holding both upcoming and past meetings costs one more than a page of one kind
    assert max(small.values()) <= MAX_STATEMENTS and max(large.values()) <= MAX_STATEMENTS, (
        small,
        large,
    )
    assert large["api"] == small["api"] and large["detail"] == small["detail"], (small, large)


def test_the_list_is_paged_upcoming_first_then_past_latest_first(client: TestClient) -> None:
    factory = client.app.state.session_factory  # type: ignore[attr-defined]
    _plant(factory, 120)  # 60 upcoming, 60 held
    first = client.get("/meetings").text
    assert "第 1 / 3 页" in first and 'rel="next"' in first and "往期会议" not in first
    upcoming = [int(n) for n in re.findall(r"市政府第(\d+)次常务会议", first)]
    assert len(upcoming) == 50 and upcoming == sorted(upcoming)  # soonest first
    second = client.get("/meetings", params={"page": 2}).text
    assert "即将召开" in second and "往期会议" in second
    third = client.get("/meetings", params={"page": 3}).text
    past = [int(n) for n in re.findall(r"市政府第(\d+)次常务会议", third)]
    assert len(past) == 20 and past == sorted(past, reverse=True)  # latest first
    assert 'rel="next"' not in third
    beyond = client.get("/meetings", params={"page": 4})
    assert beyond.status_code == 404 and "共3页" in beyond.text
    assert client.get("/meetings", params={"page": 0}).status_code == 422

    api = client.get("/api/v1/meetings", params={"per_page": 50})
    assert len(api.json()) == 50 and api.headers["X-Total-Count"] == "120"
    assert 'rel="next"' in api.headers["Link"] and "page=2" in api.headers["Link"]
    assert api.json()[0]["history"][0]["changes_zh"] == ["地点：旧址 → 市政府第一会议室"]
    last = client.get("/api/v1/meetings", params={"per_page": 50, "page": 3})
    assert len(last.json()) == 20 and 'rel="next"' not in last.headers["Link"]
    assert api.json()[0]["places_left"] == 2


def test_an_empty_list_is_one_page(client: TestClient) -> None:
    page = client.get("/meetings")
    assert page.status_code == 200 and "暂无即将召开的会议预告" in page.text
    assert "暂无往期会议" in page.text
    api = client.get("/api/v1/meetings")
    assert api.json() == [] and api.headers["X-Total-Count"] == "0"


def test_the_api_list_filters_by_status_kind_and_meeting_day(client: TestClient) -> None:
    """Issue #18: a developer asks for the cancelled plenaries of one week, not every notice."""
    factory = client.app.state.session_factory  # type: ignore[attr-defined]
    _plant(factory, 6)  # ids 1, 3, 5 held 10 days ago; 2, 4, 6 due on 2 December (Beijing)
    with factory() as session:
        session.execute(
            update(MeetingNotice).where(MeetingNotice.id.in_([2, 4])).values(kind="plenary")
        )
        session.execute(
            update(MeetingNotice).where(MeetingNotice.id == 4).values(status="cancelled")
        )
        session.commit()

    def ids(**params: Any) -> list[int]:
        response = client.get("/api/v1/meetings", params=params)
        assert response.status_code == 200, response.text
        assert response.headers["X-Total-Count"] == str(len(response.json()))
        return [notice["id"] for notice in response.json()]

    assert ids(kind="plenary") == [2, 4]
    assert ids(status="cancelled") == [4]
    assert ids(kind="plenary", status="scheduled") == [2]
    assert ids(date_from="2026-12-02") == [2, 4, 6]
    assert ids(date_to="2026-11-12") == [1, 3, 5]
    assert ids(date_from="2026-11-13", date_to="2026-12-01") == []
    link = client.get("/api/v1/meetings", params={"kind": "plenary", "per_page": 1}).headers
    assert "kind=plenary" in link["Link"] and link["X-Total-Count"] == "2"
    assert client.get("/api/v1/meetings", params={"kind": "party"}).status_code == 422


def test_a_far_date_in_a_filter_is_a_clear_422_not_a_500(client: TestClient) -> None:
    """The API fuzz test found `date_to=9999-12-31` overflowing (one day later does not
    exist) and `0001-01-01` underflowing in UTC: days outside 1900–2999 are refused."""
    for params in ({"date_to": "9999-12-31"}, {"date_from": "0001-01-01"}):
        refused = client.get("/api/v1/meetings", params=params)
        assert refused.status_code == 422, refused.text
        assert "超出允许范围" in refused.json()["error"]["message_zh"]
    refused = client.get("/api/v1/consultations", params={"closes_to": "9999-12-31"})
    assert refused.status_code == 422
    assert client.get("/api/v1/meetings", params={"date_to": "2999-12-31"}).status_code == 200
