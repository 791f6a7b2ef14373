"""CORS (issue #18): a browser app on another origin may read the open data and the public
API, and nothing of the staff side or any write."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.support.staff import StaffFixture

ORIGIN = {"Origin": "https://apps.example.org"}
PREFLIGHT = {**ORIGIN, "Access-Control-Request-Method": "GET"}


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/meetings",
        "/api/v1/consultations",
        "/api/v1/datasets",
        "/api/v1/documents",
        "/api/v1/meetings/999",  # a 404 is readable too: the app sees why
        "/datasets/listed-enterprises-2018.csv",
        "/datasets/listed-enterprises-2018.json",
        "/catalog.jsonld",
        "/feeds/meetings.atom",
        "/feeds/meetings.ics",
        "/api/openapi.json",
    ],
)
def test_public_reads_are_shared_with_any_origin(app_client: TestClient, path: str) -> None:
    for method in ("GET", "HEAD"):
        response = app_client.request(method, path, headers=ORIGIN)
        assert response.headers["Access-Control-Allow-Origin"] == "*", (method, path)
        assert "X-Total-Count" in response.headers["Access-Control-Expose-Headers"]
        assert "Access-Control-Allow-Credentials" not in response.headers
    preflight = app_client.options(
        path, headers={**PREFLIGHT, "Access-Control-Request-Headers": "if-none-match"}
    )
    assert preflight.status_code == 204
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert preflight.headers["Access-Control-Allow-Methods"] == "GET, HEAD"
    assert "If-None-Match" in preflight.headers["Access-Control-Allow-Headers"]


def test_the_paging_headers_are_exposed_on_a_list(app_client: TestClient) -> None:
    listed = app_client.get("/api/v1/meetings", headers=ORIGIN)
    exposed = {h.strip() for h in listed.headers["Access-Control-Expose-Headers"].split(",")}
    assert {"Link", "X-Total-Count", "ETag"} <= exposed and "Link" in listed.headers


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/staff/meetings",
        "/api/v1/staff/me",
        "/api/v1/staff/audit.csv",
        "/staff/",
        "/",
        "/meetings",
        "/datasets/listed-enterprises-2018",
    ],
)
def test_staff_routes_and_pages_are_never_shared(
    app_client: TestClient, staff: StaffFixture, path: str
) -> None:
    for headers in (ORIGIN, {**ORIGIN, **staff.headers("admin")}):
        response = app_client.get(path, headers=headers)
        assert "Access-Control-Allow-Origin" not in response.headers, path
    preflight = app_client.options(
        path, headers={**PREFLIGHT, "Access-Control-Request-Headers": "authorization"}
    )
    assert "Access-Control-Allow-Origin" not in preflight.headers
    assert preflight.status_code >= 400


def test_writes_are_never_shared(app_client: TestClient) -> None:
    response = app_client.post("/api/v1/consultations/1/comments", json={}, headers=ORIGIN)
    assert response.status_code in (404, 422)
    assert "Access-Control-Allow-Origin" not in response.headers
    preflight = app_client.options(
        "/api/v1/consultations/1/comments",
        headers={**ORIGIN, "Access-Control-Request-Method": "POST"},
    )
    assert "Access-Control-Allow-Origin" not in preflight.headers
