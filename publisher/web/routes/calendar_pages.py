"""`/staff/calendar`: the working-day calendar's years, and entering a new one (admins).

Three steps, each a plain form: fill in the notice, preview it as twelve month grids, install.
A refused form comes back with everything typed and the reason in Chinese.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from publisher import workdays
from publisher.errors import PublisherError
from publisher.rules.workcalendar import get_calendar
from publisher.settings import Settings
from publisher.staff.principal import StaffPrincipal
from publisher.timeutil import local_date
from publisher.web.auth import Admin
from publisher.web.deps import DbSession, Now, SettingsDep
from publisher.web.errors import status_for
from publisher.web.render import render

router = APIRouter(prefix="/staff/calendar", tags=["staff pages"], include_in_schema=False)

Text = Annotated[str, Form(max_length=200)]
Lines = Annotated[str, Form(max_length=5000)]


def _page(
    request: Request,
    principal: StaffPrincipal,
    settings: Settings,
    entry: workdays.YearEntry | None,
    status: int = 200,
    **extra: Any,
) -> HTMLResponse:
    calendar = get_calendar(settings.calendar_dir)
    years = sorted(calendar.covered_years)
    sources = [calendar.source(y) for y in reversed(years)]
    next_year = str(max(years) + 1) if years else ""
    return render(
        request,
        "staff/calendar.html",
        principal,
        status=status,
        sources=sources,
        calendar_dir=settings.calendar_dir,
        entry=entry or workdays.YearEntry(next_year, "", "", "", "", ""),
        **extra,
    )


@router.get("", response_class=HTMLResponse)
def calendar_page(request: Request, principal: Admin, settings: SettingsDep) -> HTMLResponse:
    return _page(request, principal, settings, None)


def _entry(
    year: str,
    notice_title: str,
    notice_number: str,
    notice_url: str,
    holidays: str,
    adjusted_workdays: str,
    replace: str,
) -> workdays.YearEntry:
    return workdays.YearEntry(
        year, notice_title, notice_number, notice_url, holidays, adjusted_workdays, replace == "on"
    )


@router.post("/preview", response_class=HTMLResponse)
def preview_year(
    request: Request,
    principal: Admin,
    settings: SettingsDep,
    now: Now,
    year: Text = "",
    notice_title: Text = "",
    notice_number: Text = "",
    notice_url: Text = "",
    holidays: Lines = "",
    adjusted_workdays: Lines = "",
    replace: Annotated[str, Form(max_length=10)] = "",
) -> HTMLResponse:
    """Validate as a year file is validated, then show the whole year before installing."""
    entry = _entry(
        year, notice_title, notice_number, notice_url, holidays, adjusted_workdays, replace
    )
    try:
        model = workdays.parse_entry(entry, principal, local_date(now))
    except PublisherError as exc:
        return _page(request, principal, settings, entry, status_for(exc), error=exc.message_zh)
    return _page(
        request,
        principal,
        settings,
        entry,
        preview=model,
        grids=workdays.month_grids(model),
    )


@router.post("/install", response_class=HTMLResponse)
def install_year(
    request: Request,
    principal: Admin,
    settings: SettingsDep,
    db: DbSession,
    now: Now,
    year: Text = "",
    notice_title: Text = "",
    notice_number: Text = "",
    notice_url: Text = "",
    holidays: Lines = "",
    adjusted_workdays: Lines = "",
    replace: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    entry = _entry(
        year, notice_title, notice_number, notice_url, holidays, adjusted_workdays, replace
    )
    try:
        model = workdays.parse_entry(entry, principal, local_date(now))
        workdays.install_year(db, principal, model, settings.calendar_dir, replace=entry.replace)
    except PublisherError as exc:
        return _page(request, principal, settings, entry, status_for(exc), error=exc.message_zh)
    return RedirectResponse(f"/staff/calendar?installed={model.year}", status_code=303)
