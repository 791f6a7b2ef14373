"""The headers every answer leaves with, added in one layer: open data's CORS
(`publisher.web.cors`), the caching class (`publisher.web.caching`) and the security headers
(`publisher.web.security`), in that order.

They were three layers; a layer costs every request a call and a wrapped `send`, and an answer
from memory (`publisher.web.memory.MemoryFastPath`, outside this layer) must leave with the
same headers as a routed one: both use `HeaderPolicy.decorate`, so there is one definition.
"""

from __future__ import annotations

from dataclasses import dataclass

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from publisher.web.caching import with_cache_control
from publisher.web.cors import PREFLIGHT_HEADERS, is_read_preflight, with_cors
from publisher.web.security import with_security_headers

Headers = list[tuple[bytes, bytes]]


@dataclass(frozen=True)
class HeaderPolicy:
    """What `decorate` adds: HSTS or not, and the shared caching class's Cache-Control."""

    hsts: bool
    shared: str

    def decorate(self, scope: Scope, status: int, headers: Headers) -> Headers:
        """The headers a response to this request leaves with."""
        headers = with_cache_control(scope, status, with_cors(scope, headers), self.shared)
        return with_security_headers(scope, headers, self.hsts)


class ResponseHeaders:
    """Pure ASGI (streams pass through): decorates every HTTP response's headers, and answers
    a browser's preflight for a read of open data (204) itself."""

    def __init__(self, app: ASGIApp, *, policy: HeaderPolicy) -> None:
        self.app = app
        self.policy = policy

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if is_read_preflight(scope):
            headers = self.policy.decorate(scope, 204, list(PREFLIGHT_HEADERS))
            await send({"type": "http.response.start", "status": 204, "headers": headers})
            await send({"type": "http.response.body", "body": b""})
            return
        await self.app(scope, receive, decorating(send, scope, self.policy))


def decorating(send: Send, scope: Scope, policy: HeaderPolicy) -> Send:
    """`send`, with the response's headers decorated on their way out."""

    async def send_decorated(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = list(message.get("headers", []))
            message = {**message, "headers": policy.decorate(scope, message["status"], headers)}
        await send(message)

    return send_decorated
