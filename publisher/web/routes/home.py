"""The public home page: what is current in each feature, and the ways in."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, Response
from sqlalchemy.orm import Session

from publisher.feature import HomeSection
from publisher.web.memory import RenderedPage, answers_from_memory, memory_page, page_hit
from publisher.web.render import STATIC_DIR, page

router = APIRouter(tags=["pages"], include_in_schema=False)

#: items per section: the home page points at the lists, it does not repeat them
HOME_ITEMS = 5


@router.get("/", response_class=HTMLResponse)
async def home(request: Request) -> Response:
    """Kept in memory until a table a section reads changes (`HomeSection.watches`) or time
    alone changes a section (a notice or draft published at a set time, a window closing)."""
    sections: tuple[HomeSection, ...] = request.app.state.home_sections

    def render(db: Session, now: dt.datetime) -> RenderedPage:
        current = [(section, section.current(db, now, HOME_ITEMS)) for section in sections]
        instants = [section.steady(db, now) for section in sections]
        return RenderedPage(
            page(request, "home.html", current=current),
            max((since for since, _ in instants if since is not None), default=None),
            min((until for _, until in instants if until is not None), default=None),
        )

    return await memory_page(request, "home", request.app.state.home_watches, render)


def _home_watches(request: Request) -> tuple[str, ...]:
    watches: tuple[str, ...] = request.app.state.home_watches
    return watches


answers_from_memory(home, page_hit("home", _home_watches))


@router.get("/favicon.ico")
def favicon() -> FileResponse:
    """Browsers ask for /favicon.ico before reading the page's icon link: the same picture,
    in a format every current browser draws, rather than a 404 on every first visit."""
    return FileResponse(
        STATIC_DIR / "favicon.svg",
        media_type="image/svg+xml",
        headers={"Cache-Control": "public, max-age=86400"},
    )
