"""For the tests of what is served from memory: an app whose watch re-reads every half
second, on the meetings' clock, and the SQL a piece of work ran."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine, event

from publisher.settings import Settings
from publisher.web.app import create_app
from tests.support.clock import MEETINGS_NOW, Clock


@contextmanager
def memory_client(settings: Settings) -> Iterator[TestClient]:
    """A client of an app that checks for other processes' writes every 0.5 s (so a test of
    that bound is quick), its clock set to `MEETINGS_NOW`."""
    app = create_app(settings.model_copy(update={"cache_check_seconds": 0.5}))
    app.state.clock = Clock(MEETINGS_NOW)
    with TestClient(app, base_url="http://testserver") as client:
        yield client
    app.state.engine.dispose()


@contextmanager
def statements_run(engine: Engine) -> Iterator[list[str]]:
    """The SQL statements run on `engine` inside the block, as they go."""
    seen: list[str] = []

    def record(_conn: object, _cursor: object, statement: str, *_rest: object) -> None:
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def page_and_sql(client: TestClient, path: str) -> tuple[Any, list[str]]:
    """A page that must answer 200, and the SQL its answer ran."""
    with statements_run(client.app.state.engine) as seen:  # type: ignore[attr-defined]
        response = client.get(path)
    assert response.status_code == 200, response.text
    return response, seen
