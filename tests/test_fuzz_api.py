"""Property-based fuzzing of the whole JSON API from its own OpenAPI: no input gives a 5xx.

One test per operation, a bounded number of derandomised examples each (a failure reproduces).
Each runs against a fresh SQLite database, with an admin token so that staff operations are
exercised past authentication. (schemathesis' lazy `from_fixture` does not work with pytest 9,
so the operation's Hypothesis strategy is driven directly.)
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from publisher.settings import Settings
from publisher.web.app import create_app
from tests.support.staff import StaffFixture

EXAMPLES_PER_OPERATION = 15


def _operations() -> list[tuple[str, str]]:
    app = create_app(Settings(environment="test", database_url="sqlite://"))
    paths = app.openapi()["paths"]
    return sorted((method.upper(), path) for path, item in paths.items() for method in item)


@pytest.fixture(params=["sqlite"])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def fuzz_app(settings: Settings, staff: StaffFixture) -> Iterator[FastAPI]:
    app = create_app(settings)
    app.state.fuzz_headers = staff.headers("admin")
    yield app
    app.state.engine.dispose()


@pytest.mark.parametrize(("method", "path"), _operations())
def test_no_input_gives_a_server_error(fuzz_app: FastAPI, method: str, path: str) -> None:
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", fuzz_app)
    operation = schema[path][method]
    headers = fuzz_app.state.fuzz_headers

    @given(case=operation.as_strategy())
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case: schemathesis.Case) -> None:  # type: ignore[type-arg]
        case.call_and_validate(headers=headers, checks=[not_a_server_error])

    run()
