"""The OpenAPI document is valid and says what the service really does (issue #18).

`tests/test_fuzz_api.py` checks every fuzzed answer against the document (status, media type,
schema); these tests pin the facts a client generator relies on, and check real error bodies
of each status against the one `Error` component.
"""

from __future__ import annotations

import re
from typing import Any

import jsonschema
import pytest
from fastapi.testclient import TestClient
from openapi_spec_validator import validate

from publisher.settings import Settings
from publisher.web.app import create_app
from tests.support.staff import StaffFixture

ERROR_REF = {"$ref": "#/components/schemas/Error"}


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    app = create_app(Settings(environment="test", database_url="sqlite://"))
    result: dict[str, Any] = app.openapi()
    return result


def _operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method.upper(), path, operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
    ]


def test_the_document_passes_openapi_spec_validator(document: dict[str, Any]) -> None:
    validate(document)  # raises on 13 duplicated operation ids, dangling refs, bad shapes


def test_every_operation_says_what_it_does(document: dict[str, Any]) -> None:
    undescribed = [
        f"{method} {path}"
        for method, path, operation in _operations(document)
        if len(operation.get("description", "").split("\n\nNeeds the")[0]) < 15
    ]
    assert undescribed == []


def test_staff_operations_need_a_bearer_token_and_public_ones_do_not(
    document: dict[str, Any],
) -> None:
    schemes = document["components"]["securitySchemes"]
    assert schemes == {"bearerAuth": {**schemes["bearerAuth"], "type": "http", "scheme": "bearer"}}
    for method, path, operation in _operations(document):
        staff = path.startswith("/api/v1/staff/")
        assert ("security" in operation) is staff, f"{method} {path}"
        if staff:
            assert operation["security"] == [{"bearerAuth": []}]
            assert {"401", "403"} <= set(operation["responses"]), f"{method} {path}"


def test_every_error_is_declared_as_the_one_error_body(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]
    assert "HTTPValidationError" not in schemas
    assert set(schemas["ErrorDetail"]["required"]) == {"code", "message", "message_zh", "details"}
    for method, path, operation in _operations(document):
        for status, response in operation["responses"].items():
            if status.startswith("4") or (status == "503" and path != "/readyz"):
                schema = response["content"]["application/json"]["schema"]
                assert schema == ERROR_REF, f"{method} {path} {status}"
        if "{" in path:
            assert "404" in operation["responses"], f"{method} {path}"
        if "requestBody" in operation:
            assert {"413", "422"} <= set(operation["responses"]), f"{method} {path}"


@pytest.mark.parametrize(
    ("method", "path", "media_type"),
    [
        ("get", "/datasets/{name}.csv", "text/csv"),
        ("head", "/datasets/{name}.csv", "text/csv"),
        ("get", "/catalog.jsonld", "application/ld+json"),
        ("get", "/api/v1/staff/audit.csv", "text/csv"),
        ("get", "/api/v1/staff/meetings/{meeting_id}/applications.csv", "text/csv"),
        ("get", "/api/v1/staff/consultations/{draft_id}/comments.csv", "text/csv"),
        ("get", "/feeds/meetings.rss", "application/rss+xml"),
        ("get", "/feeds/meetings.atom", "application/atom+xml"),
        ("get", "/feeds/meetings.ics", "text/calendar"),
    ],
)
def test_downloads_and_feeds_declare_their_media_type(
    document: dict[str, Any], method: str, path: str, media_type: str
) -> None:
    assert list(document["paths"][path][method]["responses"]["200"]["content"]) == [media_type]


def test_the_intakes_declare_a_retry_and_the_rate_limit(document: dict[str, Any]) -> None:
    for path in (
        "/api/v1/consultations/{draft_id}/comments",
        "/api/v1/meetings/{meeting_id}/applications",
    ):
        responses = document["paths"][path]["post"]["responses"]
        assert {"200", "201", "404", "409", "413", "422", "429"} <= set(responses), path
        assert "Retry-After" in responses["429"]["headers"]


def test_real_error_bodies_of_each_status_match_the_declared_one(
    app_client: TestClient, staff: StaffFixture, document: dict[str, Any]
) -> None:
    editor = staff.headers("editor")
    answers = {
        401: app_client.get("/api/v1/staff/meetings"),
        403: app_client.get("/api/v1/staff/accounts", headers=editor),
        404: app_client.get("/api/v1/meetings/999"),
        405: app_client.put("/api/v1/meetings"),
        413: app_client.post("/api/v1/consultations/1/comments", content=b"x" * 2_000_000),
        422: app_client.post("/api/v1/staff/consultations", json={}, headers=editor),
        409: app_client.post(
            "/api/v1/staff/accounts",
            json={"username": "editor", "role": "editor", "password": "long enough pass 1"},
            headers=staff.headers("admin"),
        ),
    }
    schemas = document["components"]["schemas"]
    error_schema = _inline_refs(schemas["Error"], schemas)
    for status, response in answers.items():
        assert response.status_code == status, (status, response.text)
        jsonschema.validate(response.json(), error_schema)
    assert answers[401].headers["WWW-Authenticate"] == "Bearer"


def _inline_refs(schema: Any, schemas: dict[str, Any]) -> Any:
    if isinstance(schema, dict):
        if "$ref" in schema:
            return _inline_refs(schemas[schema["$ref"].rsplit("/", 1)[1]], schemas)
        return {k: _inline_refs(v, schemas) for k, v in schema.items()}
    if isinstance(schema, list):
        return [_inline_refs(item, schemas) for item in schema]
    return schema


def test_a_feed_filter_with_a_line_break_is_refused_not_a_server_error(
    app_client: TestClient,
) -> None:
    """Found by the conformance fuzzing: `?department=%0A` broke the calendar's title."""
    response = app_client.get("/feeds/consultations.ics", params={"department": "\n"})
    assert response.status_code == 422, response.text
    assert response.json()["error"]["code"] == "validation_failed"


def test_the_docs_page_uses_only_the_services_own_files(app_client: TestClient) -> None:
    """Swagger UI came from a public CDN: blank offline and in much of mainland China."""
    page = app_client.get("/api/docs")
    assert page.status_code == 200
    assert "script-src 'self';" in page.headers["Content-Security-Policy"]
    assets = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert len(assets) == 3 and all(a.startswith("/") and not a.startswith("//") for a in assets)
    for asset in assets:
        served = app_client.get(asset)
        assert served.status_code == 200 and len(served.content) > 500, asset
    assert "<script>" not in page.text  # nothing inline: the pages' strict policy holds
    assert 'href="/api/docs"' in app_client.get("/").text  # the footer links the docs


def test_every_api_list_is_paged_with_a_documented_maximum(document: dict[str, Any]) -> None:
    """Issue #18: `/api/v1/meetings` gave 10,000 meetings (8.2 MB) in one answer."""
    lists = []
    for _method, path, operation in _operations(document):
        ok = operation["responses"].get("200", {})
        schema = ok.get("content", {}).get("application/json", {}).get("schema", {})
        if schema.get("type") != "array" or not path.startswith("/api/v1/"):
            continue
        lists.append(path)
        params = {p["name"]: p["schema"] for p in operation.get("parameters", [])}
        if path == "/api/v1/staff/audit":  # a cursor: events keep arriving
            assert params["limit"]["maximum"] == 1000 and "before_id" in params
            continue
        assert params["per_page"]["maximum"] == 500, path
        assert params["page"]["minimum"] == 1, path
        assert set(ok["headers"]) == {"Link", "X-Total-Count"}, path
    # + versions and articles (#16), the self-inspection, search (#17), published responses,
    # tags and groups (#16)
    assert len(lists) == 20
