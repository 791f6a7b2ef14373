"""A client with the meetings' clock (2026-11-23 09:00 Beijing time) for cross-feature tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from publisher.settings import Settings
from publisher.web.app import create_app
from tests.support.clock import Clock, local


@pytest.fixture
def clock() -> Clock:
    return Clock(local(2026, 11, 23, 9, 0))


@pytest.fixture
def client(settings: Settings, clock: Clock) -> Iterator[TestClient]:
    app = create_app(settings)
    app.state.clock = clock
    with TestClient(app, base_url="http://testserver") as test_client:
        yield test_client
    app.state.engine.dispose()
