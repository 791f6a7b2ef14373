"""Rendering pages: the Jinja2 environment, public pages, staff pages and the sign-in form.

Templates live beside the code that renders them: the shared layout in `publisher/web/templates`,
each feature's own under its `web/templates` folder, found through one loader.
"""

from __future__ import annotations

import datetime as dt
import secrets
from pathlib import Path
from typing import Any

from fastapi.templating import Jinja2Templates
from jinja2 import ChoiceLoader, FileSystemLoader
from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import HTMLResponse

from publisher.printing import qr
from publisher.printing.sheet import excerpt
from publisher.settings import Settings
from publisher.site_identity import SiteIdentity
from publisher.staff.principal import StaffPrincipal
from publisher.timeutil import format_local, format_local_end, to_local
from publisher.web.routes.care_mode import care_mode_on, switch_href

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
STATIC_DIR = Path(__file__).resolve().parent / "static"
LOGIN_CSRF_COOKIE = "smx_login_csrf"


def site_context(request: Request) -> dict[str, Any]:
    """What the layout of every page needs: the site's identity for the footer (with the
    「政府网站找错」 link for this page) and whether the reader turned care mode on."""
    app = request.scope.get("app")
    settings: Settings | None = getattr(getattr(app, "state", None), "settings", None)
    if settings is None:
        return {"care_mode": care_mode_on(request)}
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    identity = SiteIdentity.of(settings)
    return {
        "site": identity,
        "error_report_url": identity.error_report_url(settings.base_url.rstrip("/") + here),
        "care_mode": care_mode_on(request),
        "care_switch_href": switch_href(request),
    }


templates = Jinja2Templates(directory=str(TEMPLATES_DIR), context_processors=[site_context])


def add_template_dir(path: Path) -> None:
    """Let a feature's own templates be found (called by the app factory, once per feature)."""
    loader = templates.env.loader
    loaders = list(loader.loaders) if isinstance(loader, ChoiceLoader) else [loader]
    if not any(isinstance(x, FileSystemLoader) and str(path) in x.searchpath for x in loaders):
        templates.env.loader = ChoiceLoader([*loaders, FileSystemLoader(str(path))])


def _local(instant: dt.datetime | None) -> str:
    return format_local(instant) if instant else ""


def _iso_local(instant: dt.datetime | None) -> str:
    return to_local(instant).isoformat() if instant else ""


def _local_end(instant: dt.datetime | None) -> str:
    return format_local_end(instant) if instant else ""


templates.env.filters["local"] = _local
templates.env.filters["local_end"] = _local_end  # the end of a period: 24:00, never next day
templates.env.filters["iso_local"] = _iso_local


# --- notices that travel (docs/printing.md): each page's own URL, its QR code, share metadata
#: the share image (og:image), a PNG as WeChat and other apps want
SHARE_IMAGE = "/static/share.png"


def site_url(request: Request, path: str) -> str:
    """An absolute URL of this site: `base_url` and the path (never the request's Host)."""
    settings: Settings = request.app.state.settings
    return settings.base_url.rstrip("/") + path


def page_url(request: Request) -> str:
    """This page's canonical URL: the path without its query."""
    return site_url(request, request.url.path)


def page_qr(request: Request) -> Markup:
    """An inline SVG QR code of this page's URL (every public page shows one); none for a URL
    too long for a phone to scan (e.g. a 404 for a made-up path)."""
    url = page_url(request)
    return qr.svg(url, "本页网址的二维码") if len(url) <= qr.MAX_URL_CHARS else Markup("")


templates.env.globals.update(
    page_url=page_url, page_qr=page_qr, url_qr=qr.svg, site_url=site_url, share_image=SHARE_IMAGE
)
templates.env.filters["excerpt"] = excerpt


def page(
    request: Request,
    name: str,
    status: int = 200,
    cache_control: str | None = None,
    **context: Any,
) -> HTMLResponse:
    """A public page."""
    response = templates.TemplateResponse(request, name, context, status_code=status)
    if cache_control:
        response.headers["Cache-Control"] = cache_control
    return response


def render(
    request: Request, name: str, principal: StaffPrincipal | None, status: int = 200, **context: Any
) -> HTMLResponse:
    """A staff page: the signed-in person and the CSRF token every form needs."""
    context.update(principal=principal, csrf_token=principal.csrf_token if principal else None)
    return templates.TemplateResponse(request, name, context, status_code=status)


def safe_next(url: str) -> str:
    """Where to go after signing in: only a staff page of this site (no open redirect)."""
    return url if url.startswith("/staff/") and not url.startswith("//") else "/staff/"


def login_page(
    request: Request, next_url: str = "/staff/", error: str | None = None, status: int = 200
) -> HTMLResponse:
    """The sign-in form, with a fresh double-submit token against login CSRF."""
    token = secrets.token_urlsafe(24)
    response = templates.TemplateResponse(
        request,
        "staff/login.html",
        {"login_csrf": token, "next_url": safe_next(next_url), "error": error},
        status_code=status,
    )
    settings: Settings = request.app.state.settings
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        token,
        httponly=True,
        samesite="strict",
        secure=settings.environment == "production",
        path="/staff",
    )
    return response
