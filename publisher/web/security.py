"""Transport-level protections every response gets: which Host names and proxies are
believed, and the browser security headers (OWASP Secure Headers).

- Unknown Host headers are refused (400), so nothing the service builds from the request's
  host, such as a redirect, can point at somebody else's site.
- `X-Forwarded-For`/`-Proto` are believed only from the configured reverse proxies
  (`PUBLISHER_TRUSTED_PROXIES`; none by default), so a client cannot choose the address the
  rate limits count.
- Pages may load only this site's scripts, styles and images; nobody may frame them; staff
  pages, staff API answers and staff downloads are never stored by a cache or the browser
  (`publisher.web.caching`: `private, no-store`).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from fastapi import FastAPI
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.types import Scope
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from publisher.settings import Settings

#: the pages' policy: everything from this origin, nothing inline, no plug-ins, no framing,
#: forms post only here
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; "
    "script-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)
#: Swagger UI's files are served by the service and started by a script file of ours
#: (publisher.web.openapi), so /api/docs needs nothing more than the pages
DOCS_CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1", "[::1]")
DOCS_PREFIX = "/api/docs"


def allowed_hosts(settings: Settings) -> list[str]:
    """The Host names answered: the public URL's, the configured extras, and the loopback
    names (a health check on the machine itself; a link built from them points nowhere but
    at the reader's own machine)."""
    hosts = [urlsplit(settings.base_url).hostname or "localhost"]
    hosts += [h.strip() for h in settings.allowed_hosts.split(",") if h.strip()]
    return list(dict.fromkeys([*hosts, *LOOPBACK_HOSTS]))


def with_security_headers(
    scope: Scope, headers: list[tuple[bytes, bytes]], hsts: bool
) -> list[tuple[bytes, bytes]]:
    """A response's headers with the security headers every answer carries."""
    policy = (
        DOCS_CONTENT_SECURITY_POLICY
        if scope["path"].startswith(DOCS_PREFIX)
        else CONTENT_SECURITY_POLICY
    )
    added = [
        (b"content-security-policy", policy.encode()),
        (b"x-frame-options", b"DENY"),
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"strict-origin-when-cross-origin"),
    ]
    if hsts:
        added.append((b"strict-transport-security", b"max-age=31536000"))
    return [*headers, *added]


def wants_hsts(settings: Settings) -> bool:
    return settings.environment == "production" and settings.base_url.startswith("https://")


def install_transport_security(app: FastAPI, settings: Settings) -> None:
    """Add the middlewares; call last, so that the proxy headers are read before anything."""
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=allowed_hosts(settings))
    proxies = [p.strip() for p in settings.trusted_proxies.split(",") if p.strip()]
    if proxies:
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=proxies)
