"""The OpenAPI document as the service really behaves: one error body, Bearer on staff routes.

FastAPI derives paths, parameters and success bodies from the routes. What it cannot know is
added here, from facts the routes carry, so no route repeats it:

- every error is `{"error": {code, message, message_zh, details}}` (`publisher.web.errors`),
  declared once as the `Error` component, replacing FastAPI's `{detail: [...]}` for 422;
- a route that depends on `require_role` needs `Authorization: Bearer` (the `bearerAuth`
  scheme) and may answer 401 and 403;
- a path parameter may name nothing (404), a body may be too large (413), a route that opens a
  database session may find it busy (503, with `Retry-After`); a paged list (the `Paging`
  dependency) sends `Link` and `X-Total-Count`;
- statuses only some routes give (409, 429) are declared on the route with `error_responses`;
  other media types (CSV, JSON-LD, feeds) with `media_responses`.
"""

from __future__ import annotations

from collections.abc import Iterator
from html import escape
from importlib.resources import files
from typing import Any

from fastapi import FastAPI, Request
from fastapi.dependencies.models import Dependant
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field

from publisher.web.deps import get_db
from publisher.web.responses import Paging

DOCS_URL = "/api/docs"
OPENAPI_URL = "/api/openapi.json"
#: Swagger UI 5's bundle and styles, as the `fastapi-offline` package ships them
SWAGGER_UI_DIR = str(files("fastapi_offline").joinpath("static"))
DOCS_PAGE = """<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} · API</title>
<link rel="stylesheet" href="{root}{docs}/assets/swagger-ui.css">
</head>
<body>
<div id="swagger-ui" data-openapi-url="{root}{openapi}"></div>
<script src="{root}{docs}/assets/swagger-ui-bundle.js"></script>
<script src="{root}/static/api-docs.js"></script>
</body>
</html>
"""

ERROR_REF = {"$ref": "#/components/schemas/Error"}
SECURITY_SCHEME = "bearerAuth"

ERROR_DESCRIPTIONS = {
    401: "Not signed in: no token, or an unknown, expired or revoked one.",
    403: "Signed in, but the role does not allow this.",
    404: "Nothing with this id, name or receipt code is public.",
    409: "The request conflicts with the record's current state (or repeats an earlier one).",
    413: "The request body is larger than the service accepts.",
    422: "The request is not valid; `details.problems` lists each field for a malformed one.",
    429: "Too many requests from this address; `Retry-After` says when to try again.",
    503: "The database is busy or unavailable; `Retry-After` says when to try again.",
}
RETRY_AFTER = {
    "Retry-After": {
        "description": "Seconds to wait before trying again.",
        "schema": {"type": "integer"},
    }
}
WWW_AUTHENTICATE = {
    "WWW-Authenticate": {"description": "Always `Bearer`.", "schema": {"type": "string"}}
}

API_DESCRIPTION = """\
三门峡市政府会议预公开、重大行政决策预公开与开放数据服务的接口。
The API of Sanmenxia's meeting pre-disclosure, decision pre-disclosure and open data.

**Errors.** Every error, whatever its status, has one JSON body:
`{"error": {"code": "...", "message": "English", "message_zh": "中文", "details": {}}}`.
`code` is stable and meant for programs; the messages are for people.

**Lists** are paged with `page` and `per_page` (at most 500); the `Link` header (RFC 8288)
gives the first, previous, next and last pages and `X-Total-Count` the number of rows.

**Staff routes** (`/api/v1/staff/...`) need `Authorization: Bearer <token>`; they never
answer another origin's browser. Public read-only routes send `Access-Control-Allow-Origin: *`.
"""


class ErrorDetail(BaseModel):
    code: str = Field(description="Stable machine-readable code, e.g. `not_found`.")
    message: str = Field(description="The reason in English (dates as ISO 8601).")
    message_zh: str = Field(description="The reason in Chinese (dates written in Chinese).")
    details: dict[str, Any] = Field(description="Facts a program may use; may be empty.")


class Error(BaseModel):
    """The body of every error response."""

    error: ErrorDetail


def _error_response(status: int, description: str | None = None) -> dict[str, Any]:
    response: dict[str, Any] = {
        "description": description or ERROR_DESCRIPTIONS[status],
        "content": {"application/json": {"schema": ERROR_REF}},
    }
    if status in (429, 503):
        response["headers"] = RETRY_AFTER
    if status == 401:
        response["headers"] = WWW_AUTHENTICATE
    return response


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """`responses=` for a route that may also answer these error statuses."""
    return {status: _error_response(status) for status in statuses}


def media_responses(
    media_type: str,
    description: str,
    *,
    schema: dict[str, Any] | None = None,
    conditional: bool = False,
) -> dict[int | str, dict[str, Any]]:
    """`responses=` for a route whose 200 is a download (CSV, JSON rows, JSON-LD, a feed):
    a text body unless `schema` says otherwise; `conditional` when it answers
    `If-None-Match`/`If-Modified-Since` with 304."""
    bare = media_type.partition(";")[0]
    schema = schema or {"type": "string"}
    responses: dict[int | str, dict[str, Any]] = {
        200: {"description": description, "content": {bare: {"schema": schema}}}
    }
    if conditional:
        responses[304] = {"description": "Not modified since the copy the client holds."}
    return responses


def _dependencies(dependant: Dependant) -> Iterator[Dependant]:
    for dependency in dependant.dependencies:
        yield dependency
        yield from _dependencies(dependency)


def required_role(route: APIRoute) -> str | None:
    """The staff role a route needs (the `require_role` dependency it carries), if any."""
    for dependency in _dependencies(route.dependant):
        role = getattr(dependency.call, "required_role", None)
        if role is not None:
            return str(role.value)
    return None


def _depends_on(route: APIRoute, call: object) -> bool:
    return any(dependency.call is call for dependency in _dependencies(route.dependant))


PAGING_HEADERS = {
    "Link": {
        "description": "RFC 8288 links to the first, previous, next and last pages.",
        "schema": {"type": "string"},
    },
    "X-Total-Count": {
        "description": "How many rows the filters keep, on every page.",
        "schema": {"type": "integer"},
    },
}


def _complete(route: APIRoute, operation: dict[str, Any]) -> None:
    responses: dict[str, Any] = operation["responses"]
    added: list[int] = []
    role = required_role(route)
    if role is not None:
        operation["security"] = [{SECURITY_SCHEME: []}]
        operation["description"] = (
            operation.get("description", "") + f"\n\nNeeds the `{role}` role (or a higher one)."
        ).strip()
        added += [401, 403]
    if route.param_convertors:
        added.append(404)
    if "requestBody" in operation:
        added += [413, 422]
    if _depends_on(route, get_db):
        added.append(503)
    if _depends_on(route, Paging):
        responses["200"]["headers"] = PAGING_HEADERS
    for status in added:
        responses.setdefault(str(status), _error_response(status))
    if "422" in responses:  # FastAPI's own {detail: [...]} is not what the service sends
        responses["422"] = _error_response(422)


def build_openapi(app: FastAPI, api_routes: list[APIRoute]) -> dict[str, Any]:
    """The document FastAPI derives, completed with what the routes' dependencies imply
    (`api_routes`: the app's routes as declared; the app holds them wrapped per include)."""
    if app.openapi_schema:
        return app.openapi_schema
    document = get_openapi(
        title=app.title,
        version=app.version,
        openapi_version=app.openapi_version,
        description=API_DESCRIPTION,
        routes=app.routes,
    )
    for route in api_routes:
        if not route.include_in_schema:
            continue
        for method in route.methods or ():
            _complete(route, document["paths"][route.path_format][method.lower()])
    components = document.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    for unused in ("HTTPValidationError", "ValidationError"):
        schemas.pop(unused, None)
    error_schema = Error.model_json_schema(ref_template="#/components/schemas/{model}")
    schemas.update(error_schema.pop("$defs", {}))
    schemas["Error"] = error_schema
    components["securitySchemes"] = {
        SECURITY_SCHEME: {
            "type": "http",
            "scheme": "bearer",
            "description": "A staff API token (`publisher staff token create USERNAME`, or an "
            "administrator's POST /api/v1/staff/accounts/{username}/tokens).",
        }
    }
    app.openapi_schema = document
    return document


def install_openapi(app: FastAPI, api_routes: list[APIRoute]) -> None:
    """The completed document at `OPENAPI_URL`, and Swagger UI at `DOCS_URL` from the
    service's own files: the docs work with no network (a public CDN is often unreachable
    from mainland China) and under the pages' strict Content-Security-Policy."""
    app.openapi = lambda: build_openapi(app, api_routes)  # type: ignore[method-assign]
    app.mount(f"{DOCS_URL}/assets", StaticFiles(directory=SWAGGER_UI_DIR), name="swagger-ui")

    @app.get(DOCS_URL, include_in_schema=False)
    def api_docs(request: Request) -> HTMLResponse:
        root = escape(request.scope.get("root_path", ""))
        page = DOCS_PAGE.format(
            title=escape(app.title), root=root, docs=DOCS_URL, openapi=OPENAPI_URL
        )
        return HTMLResponse(page)
