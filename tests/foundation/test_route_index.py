"""The route index (publisher.web.route_index, #15): routers whose routes cannot match a path
are skipped without testing a route, and no path matches differently because of it."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi import FastAPI
from fastapi.routing import _IncludedRouter
from starlette.routing import Match, Route

from publisher.settings import Settings
from publisher.web.app import create_app, iter_api_routes


def _app(tmp_path: Path) -> FastAPI:
    return create_app(
        Settings(
            environment="test",
            database_url=f"sqlite:///{tmp_path / 'index.sqlite3'}",
            data_dir=tmp_path / "var",
            secret_key="test-secret-key",
        )
    )


def _paths() -> list[str]:
    """A concrete path for every route, each with and without a trailing slash (the redirect
    Starlette tries), and some that no route has."""
    concrete = [re.sub(r"\{\w+(:\w+)?\}", "7", route.path) for route in iter_api_routes()]
    toggled = [p[:-1] if p.endswith("/") and p != "/" else p + "/" for p in concrete]
    return [*concrete, *toggled, "/nowhere", "/api/v1/nowhere/7", "/staff/nowhere", "/"]


def _scope(path: str, method: str) -> dict[str, object]:
    return {"type": "http", "path": path, "root_path": "", "method": method, "headers": []}


def test_every_path_matches_as_without_the_index(tmp_path: Path) -> None:
    app = _app(tmp_path)
    included = [r for r in app.router.routes if isinstance(r, _IncludedRouter)]
    compared = 0
    for path in _paths():
        for method in ("GET", "POST"):
            for router in included:
                indexed = router.matches(_scope(path, method))
                plain = _IncludedRouter.matches(router, _scope(path, method))  # FastAPI's own
                assert indexed[0] == plain[0], (path, method, router)
                assert indexed[1] == plain[1], (path, method, router)
                compared += 1
    assert compared > 40_000


def test_routers_that_cannot_match_a_path_are_not_consulted(tmp_path: Path) -> None:
    """Fails without the index: a comment's path would be tried against every router."""
    app = _app(tmp_path)
    consulted: list[object] = []
    for router in app.router.routes:
        if isinstance(router, _IncludedRouter):
            plain = router.original_router.matches

            def spy(scope: object, router: object = router, plain: object = plain) -> object:
                consulted.append(router)
                return plain(scope)  # type: ignore[operator]

            router.original_router.matches = spy  # type: ignore[method-assign,assignment]
    scope = _scope("/api/v1/consultations/7/comments", "POST")
    for route in app.router.routes:
        match, _ = route.matches(scope)
        if match is Match.FULL:
            break
    assert match is Match.FULL
    assert 1 <= len(consulted) <= 5, len(consulted)


def test_a_route_added_directly_still_matches(tmp_path: Path) -> None:
    app = _app(tmp_path)
    app.router.routes.append(Route("/added-later", lambda request: None))
    found = [
        r for r in app.router.routes if r.matches(_scope("/added-later", "GET"))[0] is Match.FULL
    ]
    assert len(found) == 1
