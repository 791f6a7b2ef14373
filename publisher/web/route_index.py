"""Routing that does not cost a request hundreds of route tests.

FastAPI matches a request against every route of every included router in order (233 routes in
47 routers here), with bookkeeping in the request's scope around each test: measured under
`wrk`, routing was half of the CPU time of a request that did nothing else (a trivial POST at
the end of the table: 1,190 req/s through the app against 4,430 for a bare FastAPI app).

A route can only match a path that begins with the literal text of its path before the first
parameter (`/api/v1/consultations/` for `/api/v1/consultations/{draft_id}/comments`), and a
route without parameters only its own path. So each included router gets a guard in front of
its own matching: if the request's path is none of its routes' paths and begins with none of
their literal heads, the router answers "no match" without testing any route; otherwise
FastAPI's own matching runs, unchanged (dependencies of the inclusion, 405 for a known path
with another method, the trailing-slash redirect: the redirect's path goes through the same
guard). The guard never turns a match into a miss: a test compares every route's path.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from fastapi import FastAPI
from fastapi.routing import _EffectiveRouteContext, _IncludedRouter
from starlette._utils import get_route_path
from starlette.routing import BaseRoute, Match
from starlette.types import Scope

_Matcher = Callable[[Scope], tuple[Match, Scope]]


@dataclass(frozen=True)
class RouteHeads:
    """What an included router's routes can match: exact paths (routes without parameters)
    and literal beginnings (the text before a route's first parameter)."""

    exact: frozenset[str]
    prefixes: tuple[str, ...]

    @property
    def matches_anything(self) -> bool:
        return "" in self.prefixes

    def admits(self, path: str) -> bool:
        return path in self.exact or path.startswith(self.prefixes)


def route_heads(included: _IncludedRouter) -> RouteHeads:
    """The paths an included router's routes can match; a prefix "" when one of them could
    match any path (a mount, a route whose path starts with a parameter)."""
    exact: set[str] = set()
    prefixes: set[str] = set()
    for candidate in included.effective_candidates():
        if isinstance(candidate, _IncludedRouter):
            inner = route_heads(candidate)
            exact.update(inner.exact)
            prefixes.update(inner.prefixes)
        elif isinstance(candidate, _EffectiveRouteContext) and candidate.path_format:
            head, brace, _ = candidate.path_format.partition("{")
            (prefixes if brace else exact).add(head)
        else:
            prefixes.add("")
    return RouteHeads(frozenset(exact), tuple(sorted(prefixes)))


def _guarded(matches: _Matcher, heads: RouteHeads) -> _Matcher:
    def guarded_matches(scope: Scope) -> tuple[Match, Scope]:
        if scope["type"] == "http" and not heads.admits(get_route_path(scope)):
            return Match.NONE, {}
        return matches(scope)

    return guarded_matches


def install_route_index(app: FastAPI) -> int:
    """Guard every router included so far; the number guarded. Call once every router is
    included (a router included later is matched the ordinary way)."""
    guarded = 0
    for route in _included(app.router.routes):
        heads = route_heads(route)
        if not heads.matches_anything:
            # an instance attribute: FastAPI's loop calls `route.matches(scope)`
            route.matches = _guarded(route.matches, heads)  # type: ignore[method-assign,assignment]
            guarded += 1
    return guarded


def _included(routes: Iterable[BaseRoute]) -> list[_IncludedRouter]:
    return [route for route in routes if isinstance(route, _IncludedRouter)]
