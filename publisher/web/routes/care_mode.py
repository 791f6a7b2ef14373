"""Care mode (关怀版, 适老化): larger text, higher contrast, wider click targets, for every page.

The switch in every page's header is a plain link (`GET /care-mode?on=1&next=/the/page`): it
works without JavaScript, by keyboard, and is idempotent (the link says which state it sets).
The answer sets a cookie and sends the reader back to the page they were on; `next` is only
ever a path of this site, so the switch cannot be made to redirect anywhere else. The pages read
the cookie server-side (`care_mode` in every template) and put `class="care"` on `<html>`;
pages therefore vary by cookie, which `publisher.web.caching` declares (`Vary: Cookie`) and
the proxy keys on (docs/deploy.md).
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode, urlsplit

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse

from publisher.settings import Settings

router = APIRouter(tags=["pages"], include_in_schema=False)

#: the cookie the pages read; "1" is care mode, anything else (or none) the standard page
CARE_COOKIE = "smx_care"
#: the longest `next` the switch accepts
MAX_NEXT_CHARS = 2000
#: remembered for a year
CARE_COOKIE_SECONDS = 365 * 24 * 3600


def care_mode_on(request: Request) -> bool:
    return request.cookies.get(CARE_COOKIE) == "1"


def safe_return(next_url: str) -> str:
    """A path of this site to go back to, or "/": no scheme, no host, no `//` or `\\` trick,
    no control character (an open redirect must not be built from the switch)."""
    if not next_url.startswith("/") or next_url.startswith(("//", "/\\")):
        return "/"
    if any(ord(c) < 0x20 or c in "\\\x7f" for c in next_url):
        return "/"
    parts = urlsplit(next_url)
    if parts.scheme or parts.netloc:
        return "/"
    return next_url


def switch_href(request: Request) -> str:
    """The header switch's link: the other state, back to this very page."""
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    if len(here) > MAX_NEXT_CHARS // 2:  # a very long query: back to the page, without it
        here = request.url.path[: MAX_NEXT_CHARS // 2]
    target = "0" if care_mode_on(request) else "1"
    return "/care-mode?" + urlencode({"on": target, "next": here})


@router.get("/care-mode")
def care_mode(
    request: Request,
    on: Annotated[bool, Query(description="true turns care mode on, false off")] = True,
    next_url: Annotated[str, Query(alias="next", max_length=MAX_NEXT_CHARS)] = "/",
) -> RedirectResponse:
    """Set (or clear) the care-mode cookie and go back to the page the reader was on."""
    settings: Settings = request.app.state.settings
    response = RedirectResponse(safe_return(next_url), status_code=303)
    if on:
        response.set_cookie(
            CARE_COOKIE,
            "1",
            max_age=CARE_COOKIE_SECONDS,
            httponly=True,
            samesite="lax",
            secure=settings.environment == "production"
            and settings.base_url.startswith("https://"),
        )
    else:
        response.delete_cookie(CARE_COOKIE, httponly=True, samesite="lax")
    return response
