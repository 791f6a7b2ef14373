"""`/staff/calendar`: the working-day calendar's years, and entering a new one (admins).

Three steps, each a plain form: fill in the notice, preview it as twelve month grids, install.
A refused form comes back with everything typed and the reason in Chinese.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from publisher import workdays
from publisher.errors import PublisherError
from publisher.settings import Settings
from publisher.staff.principal import StaffPrincipal
from publisher.timeutil import local_date
from publisher.web.auth import Admin
from publisher.web.deps import DbSession, Now, SettingsDep
from publisher.web.errors import status_for
from publisher.web.render import render

router = APIRouter(prefix="/staff/calendar", tags=["staff pages"], include_in_schema=False)


class YearForm(BaseModel):
    """The calendar form's fields, kept as typed so a refused form comes back whole."""

    year: str = Field("", max_length=10)
    notice_title: str = Field("", max_length=200)
    notice_number: str = Field("", max_length=200)
    notice_url: str = Field("", max_length=200)
    holidays: str = Field("", max_length=5000)
    adjusted_workdays: str = Field("", max_length=5000)
    replace: str = Field("", max_length=10)

    def entry(self) -> workdays.YearEntry:
        return workdays.YearEntry(
            self.year,
            self.notice_title,
            self.notice_number,
            self.notice_url,
            self.holidays,
            self.adjusted_workdays,
            self.replace == "on",
        )


YearFormData = Annotated[YearForm, Form()]


def _page(
    request: Request,
    principal: StaffPrincipal,
    settings: Settings,
    entry: workdays.YearEntry | None,
    status: int = 200,
    **extra: Any,
) -> HTMLResponse:
    source: workdays.CalendarSource = request.app.state.calendar_source
    calendar = source.current()
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


def _refused(
    request: Request,
    principal: StaffPrincipal,
    settings: Settings,
    entry: workdays.YearEntry,
    exc: PublisherError,
) -> HTMLResponse:
    """The form again, everything typed kept, the reason beside the field it concerns."""
    field = exc.details.get("field")
    return _page(
        request,
        principal,
        settings,
        entry,
        status_for(exc),
        error=exc.message_zh,
        error_field=field if isinstance(field, str) else None,
    )


@router.get("", response_class=HTMLResponse)
def calendar_page(request: Request, principal: Admin, settings: SettingsDep) -> HTMLResponse:
    return _page(request, principal, settings, None)


@router.post("/preview", response_class=HTMLResponse)
def preview_year(
    request: Request,
    principal: Admin,
    settings: SettingsDep,
    now: Now,
    form: YearFormData,
) -> HTMLResponse:
    """Validate as a year file is validated, then show the whole year before installing."""
    entry = form.entry()
    try:
        model = workdays.parse_entry(entry, principal, local_date(now))
    except PublisherError as exc:
        return _refused(request, principal, settings, entry, exc)
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
    form: YearFormData,
) -> Response:
    entry = form.entry()
    try:
        model = workdays.parse_entry(entry, principal, local_date(now))
        workdays.install_year(
            db, principal, model, settings.calendar_dir, replace=entry.replace, now=now
        )
    except PublisherError as exc:
        return _refused(request, principal, settings, entry, exc)
    source: workdays.CalendarSource = request.app.state.calendar_source
    source.invalidate()  # this process at once; the others at their next check
    return RedirectResponse(f"/staff/calendar?installed={model.year}", status_code=303)
