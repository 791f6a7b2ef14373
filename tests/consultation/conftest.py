"""Fixtures for consultation tests: the clock at the consultations' reference morning."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.support.clock import CONSULTATIONS_NOW, Clock


@pytest.fixture
def clock() -> Clock:
    return Clock(CONSULTATIONS_NOW)


@pytest.fixture
def client(app_client: TestClient, clock: Clock) -> TestClient:
    app_client.app.state.clock = clock  # type: ignore[attr-defined]
    return app_client
