"""Fixtures for the meeting tests: an injectable clock and clients wired to it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from publisher.settings import Settings
from publisher.timeutil import LOCAL_TZ
from publisher.web.app import create_app

NOW = dt.datetime(2026, 11, 22, 9, 0, tzinfo=LOCAL_TZ)


def local(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, second, tzinfo=LOCAL_TZ)


class Clock:
    """The app's clock; tests move it instead of sleeping."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock(NOW)


def _client(settings: Settings, clock: Clock) -> Iterator[TestClient]:
    app = create_app(settings)
    app.state.clock = clock
    with TestClient(app, base_url="http://testserver") as client:
        yield client
    app.state.engine.dispose()


@pytest.fixture
def client(settings: Settings, clock: Clock) -> Iterator[TestClient]:
    yield from _client(settings, clock)


@pytest.fixture
def mail_client(mail_settings: Settings, clock: Clock) -> Iterator[TestClient]:
    yield from _client(mail_settings, clock)


def notice_body(**overrides: Any) -> dict[str, Any]:
    """A complete plenary notice for Monday 2026-12-07 09:30."""
    body: dict[str, Any] = {
        "kind": "plenary",
        "title": "市政府第十次全体会议",
        "starts_at": local(2026, 12, 7, 9, 30).isoformat(),
        "ends_at": local(2026, 12, 7, 11, 30).isoformat(),
        "place": "市政府第一会议室",
        "agenda": "一、审议《三门峡市2027年民生实事方案》\n二、其他事项",
        "participation": "社会公众代表可于报名截止前在本页面申请列席。",
        "application_deadline": local(2026, 12, 4, 17, 0).isoformat(),
        "capacity": 3,
        "media_allowed": True,
    }
    body.update(overrides)
    return body


@pytest.fixture
def make_notice(client: TestClient, staff: Any) -> Callable[..., dict[str, Any]]:
    def make(**overrides: Any) -> dict[str, Any]:
        response = client.post(
            "/api/v1/staff/meetings", json=notice_body(**overrides), headers=staff.headers("editor")
        )
        assert response.status_code == 201, response.text
        result: dict[str, Any] = response.json()
        return result

    return make
