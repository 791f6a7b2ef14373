"""An unauthenticated burst cannot freeze the service (issue: hold under attack).

The freeze came from blocking database work inside `async def` code on the request path: when
the pool was exhausted the event loop itself waited, and every request, `/healthz` included,
stopped being served. The rule is checked on every route; then a busy pool and a database
that is gone both get a quick 503 with Retry-After, and `/healthz` never needs the database.
"""

from __future__ import annotations

import inspect
import threading
import time
from collections.abc import Iterator

import pytest
from fastapi.dependencies.models import Dependant
from fastapi.testclient import TestClient
from sqlalchemy import text

from publisher.settings import Settings
from publisher.web.app import create_app, iter_api_routes
from publisher.web.deps import get_db
from publisher.wiring import FEATURES
from tests.harness.postgres import free_port

#: async code on the request path that is allowed: it awaits, and touches no database (the
#: feeds and pages kept in memory send any database work, a refresh or a rebuild, to threads;
#: the two intakes await the group writer, whose thread does all of theirs)
ASYNC_ALLOWED = {
    "healthz",
    "home",
    "meetings_page",
    "meeting_page",
    "consultation_page",
    "consultations_page",
    "documents_page",
    "submit_comment",
    "apply_to_attend",
} | {
    f"{source.name}_feed_{fmt}_{method}"
    for feature in FEATURES
    for source in feature.feeds
    if source.watches
    for fmt in source.formats
    for method in ("get", "head")
}


def _walk(dependant: Dependant) -> Iterator[Dependant]:
    yield dependant
    for sub in dependant.dependencies:
        yield from _walk(sub)


def _needs_db(dependant: Dependant) -> bool:
    return any(d.call is get_db for d in _walk(dependant))


def test_no_async_code_on_the_request_path_touches_the_database() -> None:
    offenders = []
    for route in iter_api_routes():
        for dependant in _walk(route.dependant):
            call = dependant.call
            if call is None or not inspect.iscoroutinefunction(call):
                continue
            direct = [d for d in dependant.dependencies if d.call is get_db]
            if direct or (dependant is route.dependant and _needs_db(dependant)):
                offenders.append(f"{route.path}: {getattr(call, '__qualname__', call)}")
    assert offenders == []


def test_async_endpoints_are_the_few_that_need_no_thread() -> None:
    async_endpoints = {
        route.name for route in iter_api_routes() if inspect.iscoroutinefunction(route.endpoint)
    }
    assert async_endpoints == ASYNC_ALLOWED


@pytest.fixture
def tight_client(settings: Settings) -> Iterator[TestClient]:
    """The app with a pool of one connection and a short wait for it."""
    app = create_app(
        settings.model_copy(update={"db_pool_size": 1, "db_pool_timeout_seconds": 0.5})
    )
    with TestClient(app, base_url="http://testserver") as client:
        yield client
    app.state.engine.dispose()


def test_an_exhausted_pool_is_a_quick_503_and_healthz_still_answers(
    tight_client: TestClient,
) -> None:
    engine = tight_client.app.state.engine  # type: ignore[attr-defined]
    held = [engine.connect() for _ in range(2)]  # the pool (1) and its overflow (1)
    try:
        started = time.monotonic()
        busy = tight_client.get("/api/v1/consultations")
        assert busy.status_code == 503
        assert time.monotonic() - started < 3
        assert busy.headers["retry-after"] == "5"
        error = busy.json()["error"]
        assert error["code"] == "service_busy" and "稍后再试" in error["message_zh"]
        page = tight_client.get("/consultations")
        assert page.status_code == 503 and "稍后再试" in page.text
        assert tight_client.get("/healthz").status_code == 200
        assert tight_client.get("/readyz").status_code == 503
    finally:
        for connection in held:
            connection.close()
    assert tight_client.get("/api/v1/consultations").status_code == 200
    assert tight_client.get("/readyz").status_code == 200


def test_a_burst_of_bogus_tokens_does_not_stop_healthz(tight_client: TestClient) -> None:
    """The reproduction of the freeze, in miniature: while every connection is taken and
    sixty requests with made-up tokens queue for one, /healthz answers at once."""
    engine = tight_client.app.state.engine  # type: ignore[attr-defined]
    held = [engine.connect() for _ in range(2)]
    statuses: list[int] = []

    def bogus() -> None:
        response = tight_client.get(
            "/api/v1/staff/me", headers={"Authorization": "Bearer smx_made-up"}
        )
        statuses.append(response.status_code)

    threads = [threading.Thread(target=bogus) for _ in range(60)]
    try:
        for t in threads:
            t.start()
        for _ in range(5):
            started = time.monotonic()
            assert tight_client.get("/healthz").status_code == 200
            assert time.monotonic() - started < 1
            time.sleep(0.1)
        for t in threads:
            t.join(timeout=30)
    finally:
        for connection in held:
            connection.close()
    assert len(statuses) == 60 and set(statuses) <= {401, 503}


def test_a_database_that_is_gone_is_a_503_not_a_500(settings: Settings) -> None:
    """A PostgreSQL server that is not there (nothing listens on the port)."""
    stopped = f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/smx"
    gone = settings.model_copy(update={"database_url": stopped})
    app = create_app(gone)
    with TestClient(app, base_url="http://testserver", raise_server_exceptions=False) as client:
        response = client.get("/api/v1/meetings")
        assert response.status_code == 503
        assert response.headers["retry-after"] == "5"
        assert client.get("/healthz").status_code == 200
        assert client.get("/readyz").status_code == 503
    app.state.engine.dispose()


def test_the_pool_timeout_is_the_setting(settings: Settings) -> None:
    app = create_app(settings.model_copy(update={"db_pool_timeout_seconds": 1.5}))
    assert app.state.engine.pool.timeout() == 1.5
    with app.state.engine.connect() as connection:
        assert connection.execute(text("SELECT 1")).scalar() == 1
    app.state.engine.dispose()
