"""Fixtures for the meeting tests: the clock at the meetings' reference morning, and clients
wired to it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from publisher.settings import Settings
from publisher.web.app import create_app
from tests.support.bodies import notice_body
from tests.support.clock import MEETINGS_NOW, Clock


@pytest.fixture
def clock() -> Clock:
    return Clock(MEETINGS_NOW)


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
