"""The public home page: what is current in each feature, and the ways in."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse

from publisher.feature import HomeSection
from publisher.web.deps import DbSession, Now
from publisher.web.render import STATIC_DIR, page

router = APIRouter(tags=["pages"], include_in_schema=False)

#: items per section: the home page points at the lists, it does not repeat them
HOME_ITEMS = 5


@router.get("/", response_class=HTMLResponse)
def home(request: Request, db: DbSession, now: Now) -> HTMLResponse:
    sections: tuple[HomeSection, ...] = request.app.state.home_sections
    current = [(section, section.current(db, now, HOME_ITEMS)) for section in sections]
    return page(request, "home.html", current=current)


@router.get("/favicon.ico")
def favicon() -> FileResponse:
    """Browsers ask for /favicon.ico before reading the page's icon link: the same picture,
    in a format every current browser draws, rather than a 404 on every first visit."""
    return FileResponse(
        STATIC_DIR / "favicon.svg",
        media_type="image/svg+xml",
        headers={"Cache-Control": "public, max-age=86400"},
    )
