"""Routing that does not cost a request hundreds of route tests.

FastAPI matches a request against every route of every included router in order (233 routes in
47 routers here), with bookkeeping in the request's scope around each test: measured under
`wrk`, routing was half of the CPU time of a request that did nothing else (a trivial POST at
the end of the table: 1,190 req/s through the app against 4,430 for a bare FastAPI app).

So each included router gets a guard in front of its own matching: one regular expression,
the alternation of its routes' path patterns, tested in C. If no route of the router could
match the request's path, the router answers "no match" without FastAPI testing any route;
otherwise FastAPI's own matching runs, unchanged (dependencies of the inclusion, 405 for a
known path with another method, the trailing-slash redirect: the redirect's path goes through
the same guard). The guard never turns a match into a miss: a test compares every route's
path with and without it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from fastapi import FastAPI
from fastapi.routing import APIRoute, _IncludedRouter
from starlette._utils import get_route_path
from starlette.routing import BaseRoute, Match, compile_path
from starlette.types import Scope

_Matcher = Callable[[Scope], tuple[Match, Scope]]


_NAMED_GROUP = re.compile(r"\(\?P<\w+>")


@dataclass(frozen=True)
class RoutePaths:
    """Every path an included router's routes can match, as one regular expression: the
    alternation of the routes' own (their groups unnamed), so one test in C says whether any
    of them could match; None when one of them could match anything (a mount)."""

    pattern: re.Pattern[str] | None

    @property
    def matches_anything(self) -> bool:
        return self.pattern is None

    def admits(self, path: str) -> bool:
        return self.pattern is None or self.pattern.match(path) is not None


def route_patterns(included: _IncludedRouter, outer: str = "") -> list[str] | None:
    """The path patterns of an included router's routes, inner routers' too, read from the
    routes themselves (FastAPI builds its per-inclusion route objects lazily, on a request:
    building them all for every app made the test suite's thousands of apps heavier); None
    when one of them is not a route with a path (it could match any path)."""
    prefix = outer + included.include_context.prefix
    patterns: list[str] = []
    for route in included.original_router.routes:
        if isinstance(route, _IncludedRouter):
            inner = route_patterns(route, prefix)
            if inner is None:
                return None
            patterns.extend(inner)
        elif isinstance(route, APIRoute):
            regex, _, _ = compile_path(prefix + route.path)
            patterns.append(_NAMED_GROUP.sub("(?:", regex.pattern))
        else:
            return None
    return patterns


def route_paths(included: _IncludedRouter) -> RoutePaths:
    patterns = route_patterns(included)
    if patterns is None:
        return RoutePaths(None)
    return RoutePaths(re.compile("|".join(f"(?:{p})" for p in patterns) or "(?!)"))


def _guarded(matches: _Matcher, paths: RoutePaths) -> _Matcher:
    def guarded_matches(scope: Scope) -> tuple[Match, Scope]:
        if scope["type"] == "http" and not paths.admits(get_route_path(scope)):
            return Match.NONE, {}
        return matches(scope)

    return guarded_matches


def install_route_index(app: FastAPI) -> int:
    """Guard every router included so far; the number guarded. Call once every router is
    included (a router included later is matched the ordinary way)."""
    guarded = 0
    for route in _included(app.router.routes):
        paths = route_paths(route)
        if not paths.matches_anything:
            # an instance attribute: FastAPI's loop calls `route.matches(scope)`
            route.matches = _guarded(route.matches, paths)  # type: ignore[method-assign,assignment]
            guarded += 1
    return guarded


def _included(routes: Iterable[BaseRoute]) -> list[_IncludedRouter]:
    return [route for route in routes if isinstance(route, _IncludedRouter)]
