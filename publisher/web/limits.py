"""Pure-ASGI guards at the edge: body size limits and control characters."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from urllib.parse import unquote, unquote_plus, unquote_to_bytes

from starlette.types import ASGIApp, Message, Receive, Scope, Send


class BodySizeLimit:
    def __init__(self, app: ASGIApp, limit_for: Callable[[str], int]) -> None:
        self.app = app
        self.limit_for = limit_for

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope["path"])
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = limit + 1
                if declared > limit:
                    await _too_large(send, limit)
                    return
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise _BodyTooLarge
            return message

        try:
            await self.app(scope, limited_receive, send)
        except _BodyTooLarge:
            await _too_large(send, limit)


class _BodyTooLarge(Exception):
    pass


async def _too_large(send: Send, limit: int) -> None:
    await _send_json(
        send,
        413,
        {
            "code": "request_too_large",
            "message": f"The request body is larger than the limit of {limit} bytes.",
            "message_zh": f"提交的内容超过了 {limit} 字节的上限。",
        },
    )


async def _send_json(send: Send, status: int, error: dict[str, str]) -> None:
    body = json.dumps({"error": {**error, "details": {}}}, ensure_ascii=False).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


# C0 control characters other than tab, newline and carriage return, and DEL. PostgreSQL
# cannot store NUL in text and XML (feeds) cannot carry any of them: refused at the edge.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# a \u escape for one of them, preceded by an even number of backslashes (so a literal
# backslash followed by "u0000" in the text is not mistaken for one)
_JSON_ESCAPED_CONTROL = re.compile(
    rb"(?:^|[^\\])(?:\\\\)*\\u00(?:0[0-8bBcCeEfF]|1[0-9a-fA-F]|7[fF])"
)


def has_control_characters(text: str) -> bool:
    return _CONTROL.search(text) is not None


class ControlCharacterGuard:
    """Refuse requests whose query string or body text carries control characters or is not
    UTF-8 (422): JSON, URL-encoded forms and the text fields of multipart forms.

    One check at the edge instead of a validator on every text field of every model. The file
    parts of a multipart form are not inspected: files are kept as uploaded.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        query = unquote_plus(scope.get("query_string", b"").decode("latin-1"))
        if has_control_characters(query) or has_control_characters(unquote(scope["path"])):
            await _refuse_control(send)
            return
        # the boundary is case-sensitive (Chromium's: ----WebKitFormBoundaryAbC…): only the
        # media type is compared in lower case
        raw_type = dict(scope.get("headers", [])).get(b"content-type", b"")
        content_type = raw_type.lower()
        if not content_type.startswith(
            (b"application/json", b"application/x-www-form-urlencoded", b"multipart/form-data")
        ):
            await self.app(scope, receive, send)
            return
        chunks = []
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunks.append(message.get("body", b""))
            if not message.get("more_body"):
                break
        body = b"".join(chunks)
        if content_type.startswith(b"application/json"):
            bad = _JSON_ESCAPED_CONTROL.search(body) is not None or has_control_characters(
                body.decode("utf-8", "replace")
            )
        elif content_type.startswith(b"multipart/form-data"):
            bad = any(not _clean_text(v) for v in _multipart_text_fields(body, raw_type))
        else:
            bad = any(
                not _clean_text(unquote_to_bytes(piece.replace(b"+", b" ")))
                for pair in body.split(b"&")
                for piece in pair.split(b"=", 1)
            )
        if bad:
            await _refuse_control(send)
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


def _clean_text(raw: bytes) -> bool:
    """Valid UTF-8 without control characters (a form's text as the browser sent it)."""
    try:
        return not has_control_characters(raw.decode("utf-8"))
    except UnicodeDecodeError:
        return False


_BOUNDARY = re.compile(rb'boundary="?([^";]+)"?', re.IGNORECASE)


def _multipart_text_fields(body: bytes, content_type: bytes) -> list[bytes]:
    """The values of a multipart body's text fields (parts without a file name)."""
    found = _BOUNDARY.search(content_type)
    if found is None:
        return []
    values = []
    for part in body.split(b"--" + found.group(1)):
        head, separator, value = part.partition(b"\r\n\r\n")
        if not separator or b"filename=" in head.lower():
            continue
        values.append(value.removesuffix(b"\r\n"))
    return values


async def _refuse_control(send: Send) -> None:
    await _send_json(
        send,
        422,
        {
            "code": "control_characters",
            "message": "The request contains control characters or text that is not UTF-8, "
            "which cannot be stored.",
            "message_zh": "提交的内容含有无法保存的控制字符或乱码，请删除后重试。",
        },
    )
