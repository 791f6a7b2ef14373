"""Fixtures of the foundation tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.harness.postgres import PostgresServer, start_postgres


@pytest.fixture
def own_postgres() -> Iterator[PostgresServer]:
    """A PostgreSQL server of this test's own, to stop and start without disturbing others."""
    server = start_postgres()
    try:
        yield server
    finally:
        server.stop()
