"""Every route's Cache-Control class (#21 item 7): public reads are for a shared cache
(`public, s-maxage, stale-while-revalidate`, with an ETag where there is one), staff and
personal answers `private, no-store`, errors and writes `no-store`. Walks every GET route of
the app on a world with one of everything, so a new route cannot go unclassified."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from publisher.settings import Settings
from publisher.web.app import create_app, iter_api_routes
from publisher.web.caching import PRIVATE, is_staff_path, shared_policy
from tests.support.staff import StaffFixture
from tests.support.world import Clock, plant_site

SHARED = shared_policy(30)
#: answered from the process's state, never stored
HEALTH = {"healthz", "readyz"}
#: public but stored nowhere, by the handler's choice: the form where a receipt code is typed
NEVER_STORED = {"application_status_form"}


@pytest.fixture
def world(settings: Settings, staff: StaffFixture) -> Iterator[tuple[TestClient, dict[str, str]]]:
    app = create_app(settings)
    app.state.clock = Clock()
    with TestClient(app, base_url="http://testserver") as client:
        yield client, plant_site(client, app, settings, staff)
    app.state.engine.dispose()


def _url(route: APIRoute, ids: dict[str, str]) -> str:
    path = route.path
    if "{receipt_code}" in path:
        mine = "applications" in path or path.startswith("/a/")  # /a/: an applicant's link
        code = ids["application"] if mine else ids["comment"]
        path = path.replace("{receipt_code}", code)
    path = path.replace("{code}", ids["comment"])  # /c/: a commenter's short link
    path = re.sub(r"\{(\w+)\}", lambda m: ids.get(m.group(1), "1"), path)
    if route.path in ("/api/v1/search", "/search"):  # a search needs words to look for
        path += "?q=会议"
    return path


def _expected(route: APIRoute) -> str:
    if is_staff_path(route.path) or getattr(route.endpoint, "_personal_response", False):
        return PRIVATE
    if route.name in HEALTH | NEVER_STORED:
        return "no-store"
    return "shared"


def test_every_get_route_has_its_cache_class(
    world: tuple[TestClient, dict[str, str]], staff: StaffFixture
) -> None:
    client, ids = world
    admin = staff.headers("admin")
    seen: dict[str, tuple[int, str]] = {}
    wrong: dict[str, tuple[int, str, str]] = {}
    for route in iter_api_routes():
        if "GET" not in (route.methods or set()):
            continue
        url = _url(route, ids)
        response = client.get(url, headers=admin if is_staff_path(route.path) else {})
        header = response.headers.get("cache-control", "")
        seen[route.name] = (response.status_code, header)
        expected = _expected(route)
        if expected == "shared":
            assert response.status_code == 200, (url, response.text[:200])
            # SHARED by default; feeds and open-data files set their own public lifetime
            fits = header.startswith("public")
        else:
            fits = header == expected
        if not fits:
            wrong[url] = (response.status_code, header, expected)
    assert wrong == {}
    assert seen["consultation_page"][1] == PRIVATE  # its form carries its own token
    assert seen["comment_status"][1] == PRIVATE and seen["application_status"][1] == PRIVATE
    for name in ("list_consultations", "meetings_page", "consultations_page", "home"):
        assert seen[name][1] == SHARED, name


def test_validators_come_with_the_shared_answers_that_have_one(
    world: tuple[TestClient, dict[str, str]],
) -> None:
    client, ids = world
    download = client.get(f"/consultations/{ids['draft_id']}/attachments/{ids['attachment_id']}")
    assert download.headers["cache-control"] == SHARED and download.headers["etag"]
    feed = client.get("/feeds/consultations.atom")
    assert feed.headers["cache-control"].startswith("public") and feed.headers["etag"]


def test_errors_writes_and_cookies_are_never_stored(
    world: tuple[TestClient, dict[str, str]],
) -> None:
    client, ids = world
    missing = client.get("/api/v1/consultations/999999")
    assert missing.status_code == 404 and missing.headers["cache-control"] == "no-store"
    login = client.get("/staff/login")
    assert login.headers["cache-control"] == PRIVATE
    posted = client.post(
        f"/api/v1/consultations/{ids['draft_id']}/comments",
        json={"text": "意见", "anonymous": True},
    )
    assert posted.headers["cache-control"] == "no-store", posted.status_code


def test_the_shared_lifetime_is_the_setting(settings: Settings) -> None:
    app = create_app(settings.model_copy(update={"shared_cache_seconds": 120}))
    with TestClient(app, base_url="http://testserver") as client:
        assert client.get("/api/v1/meetings").headers["cache-control"] == shared_policy(120)
    app.state.engine.dispose()
