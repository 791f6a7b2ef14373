"""The one place where errors become HTTP responses.

API clients (paths under /api/ and /feeds/) get JSON with an English and a Chinese message;
people on pages get a Chinese error page. Nothing unexpected leaks a traceback: an unhandled
exception is logged and answered with a plain 500 that says so.
"""

from __future__ import annotations

import logging
from typing import Any, TypeVar

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as SATimeoutError
from starlette.exceptions import HTTPException as StarletteHTTPException

from publisher import errors
from publisher.web.render import login_page, templates

log = logging.getLogger(__name__)

#: seconds a client is asked to wait after a 503 (busy pool, database down)
BUSY_RETRY_AFTER_SECONDS = 5

STATUS_BY_ERROR: dict[type[errors.PublisherError], int] = {
    errors.PayloadTooLarge: 413,
    errors.ValidationFailed: 422,
    errors.RuleViolation: 422,
    errors.CalendarNotCovered: 422,
    errors.NotFound: 404,
    errors.Conflict: 409,
    errors.NotAuthenticated: 401,
    errors.PermissionDenied: 403,
    errors.TooManyRequests: 429,
    errors.ServiceUnavailable: 503,
}

_FIELD_ZH = {
    "missing": "必填项未填写",
    "string_too_long": "内容过长",
    "string_too_short": "内容过短",
    "int_parsing": "应为整数",
    "datetime_from_date_parsing": "日期时间格式不正确",
    "datetime_parsing": "日期时间格式不正确",
    "date_from_datetime_parsing": "日期格式不正确",
    "json_invalid": "JSON 格式不正确",
    "enum": "取值不在允许范围内",
    "less_than_equal": "超出允许范围（过大或过晚）",
    "greater_than_equal": "超出允许范围（过小或过早）",
    "literal_error": "取值不在允许范围内",
}


def status_for(exc: errors.PublisherError) -> int:
    for klass in type(exc).__mro__:
        if klass in STATUS_BY_ERROR:
            return STATUS_BY_ERROR[klass]
    return 400


def wants_json(request: Request) -> bool:
    path = request.url.path
    return path.startswith(("/api/", "/feeds/")) or path.endswith((".json", ".csv", ".jsonld"))


def error_response(request: Request, status: int, body: dict[str, Any]) -> Response:
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    if status == 401 and request.url.path.startswith("/staff"):
        # a person who is not signed in gets the sign-in form, still with status 401
        return login_page(request, request.url.path, status=401)
    if wants_json(request):
        return JSONResponse({"error": body}, status_code=status, headers=headers)
    return templates.TemplateResponse(
        request,
        "error.html",
        {"status": status, "error": body},
        status_code=status,
        headers=headers,
    )


ResponseT = TypeVar("ResponseT", bound=Response)


def with_retry_after(response: ResponseT, exc: errors.PublisherError) -> ResponseT:
    """A 429 says when to come back (RFC 9110 §10.2.3), in seconds, as the limit computed."""
    wait = exc.details.get("retry_after_seconds")
    if isinstance(exc, errors.TooManyRequests) and isinstance(wait, int):
        response.headers["Retry-After"] = str(wait)
    return response


def _describe_validation(exc: RequestValidationError) -> tuple[str, str, list[dict[str, Any]]]:
    problems = []
    en_parts, zh_parts = [], []
    for err in exc.errors():
        loc = [str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path", "form")]
        field = ".".join(loc) or "request"
        problems.append({"field": field, "message": err.get("msg", "")})
        en_parts.append(f"{field}: {err.get('msg', 'invalid')}")
        zh_parts.append(f"{field}：{_FIELD_ZH.get(err.get('type', ''), '格式不正确')}")
    return "; ".join(en_parts), "；".join(zh_parts), problems


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(errors.PublisherError)
    async def _domain(request: Request, exc: errors.PublisherError) -> Response:
        return with_retry_after(error_response(request, status_for(exc), exc.to_dict()), exc)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        en, zh, problems = _describe_validation(exc)
        body = {
            "code": "validation_failed",
            "message": f"The request is not valid: {en}",
            "message_zh": f"提交的内容有误：{zh}",
            "details": {"problems": problems},
        }
        return error_response(request, 422, body)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        zh = {404: "页面不存在", 405: "不支持该请求方法", 413: "提交的内容过大"}.get(
            exc.status_code, "请求无法处理"
        )
        body = {
            "code": f"http_{exc.status_code}",
            "message": str(exc.detail),
            "message_zh": zh,
            "details": {},
        }
        response = error_response(request, exc.status_code, body)
        for name, value in (exc.headers or {}).items():  # e.g. Allow on a 405 (RFC 9110)
            response.headers[name] = value
        return response

    @app.exception_handler(SATimeoutError)
    @app.exception_handler(OperationalError)
    async def _busy(request: Request, exc: Exception) -> Response:
        """No free database connection within the pool's timeout, or the database cannot be
        reached (or, on SQLite, stayed locked past the busy timeout): a quick 503 the client
        may retry, never a hang and never a 500."""
        log.warning("database unavailable on %s %s: %s", request.method, request.url.path, exc)
        body = {
            "code": "service_busy",
            "message": "The service is busy or its database is unavailable; try again shortly.",
            "message_zh": "服务繁忙或数据库暂时无法访问，请稍后再试；"
            "您填写的内容不会丢失，可稍后重新提交。",
            "details": {"retry_after_seconds": BUSY_RETRY_AFTER_SECONDS},
        }
        response = error_response(request, 503, body)
        response.headers["Retry-After"] = str(BUSY_RETRY_AFTER_SECONDS)
        return response

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        body = {
            "code": "internal_error",
            "message": "An unexpected error occurred; it has been logged.",
            "message_zh": "服务器内部错误，已记录，请稍后再试。",
            "details": {},
        }
        return error_response(request, 500, body)
