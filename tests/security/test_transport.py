"""Host names, proxies and browser security headers (issue: hold under attack, "Low").

Before: `GET /staff` with `Host: evil.example` redirected to http://evil.example/staff/,
there were no security headers, and uvicorn believed X-Forwarded-For from loopback.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from publisher.settings import Settings
from publisher.web.app import create_app
from tests.support.staff import StaffFixture

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def plain_client(settings: Settings) -> Iterator[TestClient]:
    """The app as deployed without a proxy: no proxy is trusted."""
    app = create_app(settings.model_copy(update={"trusted_proxies": ""}))
    with TestClient(app, base_url="http://testserver") as client:
        yield client
    app.state.engine.dispose()


def test_an_unknown_host_is_refused_and_never_redirected_to(app_client: TestClient) -> None:
    response = app_client.get("/staff", headers={"Host": "evil.example"}, follow_redirects=False)
    assert response.status_code == 400
    assert "evil.example" not in response.headers.get("location", "")
    assert app_client.get("/staff", follow_redirects=False).status_code in (200, 307, 401)


def test_configured_extra_hosts_are_answered(settings: Settings) -> None:
    app = create_app(settings.model_copy(update={"allowed_hosts": "data.smx.gov.cn"}))
    with TestClient(app, base_url="http://data.smx.gov.cn") as client:
        assert client.get("/healthz").status_code == 200
    app.state.engine.dispose()


def test_production_answers_only_its_own_host(settings: Settings) -> None:
    production = settings.model_copy(
        update={"environment": "production", "base_url": "https://yugongkai.smx.gov.cn"}
    )
    app = create_app(production)
    with TestClient(app, base_url="https://yugongkai.smx.gov.cn") as client:
        ok = client.get("/healthz")
        assert ok.status_code == 200
        assert ok.headers["strict-transport-security"] == "max-age=31536000"
        assert client.get("/healthz", headers={"Host": "smx.example"}).status_code == 400
        # the container's health check asks on loopback
        assert client.get("/healthz", headers={"Host": "127.0.0.1:8000"}).status_code == 200
    app.state.engine.dispose()


def test_every_response_carries_the_security_headers(app_client: TestClient) -> None:
    for path in ("/", "/api/v1/consultations", "/meetings", "/nonexistent"):
        headers = app_client.get(path).headers
        csp = headers["content-security-policy"]
        assert "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp, path
        assert headers["x-frame-options"] == "DENY"
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "strict-origin-when-cross-origin"
        assert "strict-transport-security" not in headers  # only in production over https


def test_staff_pages_and_downloads_are_never_cached(
    app_client: TestClient, staff: StaffFixture
) -> None:
    admin = staff.headers("admin")
    for path in ("/staff/login", "/api/v1/staff/audit", "/api/v1/staff/audit.csv"):
        response = app_client.get(path, headers=admin)
        assert response.status_code == 200, path
        assert response.headers["cache-control"] == "private, no-store", path
    assert app_client.get("/api/v1/consultations").headers.get("cache-control") != "no-store"


def test_templates_have_nothing_inline_the_policy_would_block() -> None:
    offenders = [
        str(path.relative_to(ROOT))
        for path in ROOT.glob("**/templates/**/*.html")
        if ".venv" not in path.parts
        # e-mail bodies are never served under the pages' policy; mail clients need inline style
        and path != ROOT / "publisher" / "notifications" / "templates" / "email.html"
        and (
            re.search(r"\sstyle=\"", path.read_text())
            or re.search(r"<script(?![^>]*\ssrc=)", path.read_text())
        )
    ]
    assert offenders == []


def test_forwarded_addresses_are_believed_only_from_trusted_proxies(
    plain_client: TestClient, staff: StaffFixture
) -> None:
    forged = {**staff.headers("admin"), "X-Forwarded-For": "10.20.30.40"}
    plain_client.post(
        "/api/v1/staff/accounts", json={"username": "clerk", "role": "editor"}, headers=forged
    )
    events = plain_client.get("/api/v1/staff/audit", headers=staff.headers("admin")).json()
    assert events[0]["action"] == "staff.create"
    assert events[0]["ip_address"] == "testclient"  # the connecting address, not the header


def test_a_trusted_proxy_passes_the_client_address_on(
    app_client: TestClient, staff: StaffFixture
) -> None:
    forwarded = {**staff.headers("admin"), "X-Forwarded-For": "10.20.30.40"}
    app_client.post(
        "/api/v1/staff/accounts", json={"username": "clerk", "role": "editor"}, headers=forwarded
    )
    events = app_client.get("/api/v1/staff/audit", headers=staff.headers("admin")).json()
    assert events[0]["ip_address"] == "10.20.30.40"
