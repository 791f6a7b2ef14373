"""Fixtures of the notices-that-travel tests: a client at the meetings' reference morning,
with a published meeting notice and an open consultation."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from publisher.settings import Settings
from publisher.web.app import create_app
from tests.support.bodies import draft_body, notice_body
from tests.support.clock import CONSULTATIONS_NOW, Clock, local


@pytest.fixture
def clock() -> Clock:
    return Clock(CONSULTATIONS_NOW)


@pytest.fixture
def client(settings: Settings, clock: Clock) -> Iterator[TestClient]:
    app = create_app(settings)
    app.state.clock = clock
    with TestClient(app, base_url="http://testserver") as test_client:
        yield test_client
    app.state.engine.dispose()


@pytest.fixture
def meeting_id(client: TestClient, staff: Any) -> int:
    """A plenary notice published now (2026-11-23), for Monday 2026-12-07."""
    body = notice_body(publication_at=local(2026, 11, 23, 9, 0).isoformat())
    created = client.post("/api/v1/staff/meetings", json=body, headers=staff.headers("editor"))
    assert created.status_code == 201, created.text
    return int(created.json()["id"])


@pytest.fixture
def draft_id(client: TestClient, staff: Any) -> int:
    created = client.post(
        "/api/v1/staff/consultations", json=draft_body(), headers=staff.headers("editor")
    )
    assert created.status_code == 201, created.text
    return int(created.json()["id"])
