"""The self-inspection for staff: `/staff/inspection` (the report), its CSV for the quarterly
自查报告, and `/api/v1/staff/inspection` (the rows as JSON)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse
from pydantic import BaseModel
from sqlalchemy.orm import Session

from publisher.inspection.model import Check, Finding, InspectionContext, Section
from publisher.inspection.run import inspect_site, report_csv, vetoed
from publisher.settings import Settings
from publisher.web.auth import Reviewer
from publisher.web.deps import DbSession, Now, SettingsDep
from publisher.web.render import render
from publisher.web.responses import PagingDep
from publisher.web.selfcheck import fetch_from

pages = APIRouter(prefix="/staff", tags=["staff pages"], include_in_schema=False)
api = APIRouter(prefix="/api/v1/staff", tags=["staff"])
#: a page a reviewer waits for: the crawl is bounded tighter than the command's
PAGE_CRAWL_LIMIT = 300


def _findings(request: Request, db: Session, now: dt.datetime, settings: Settings) -> list[Finding]:
    sections: Sequence[Section] = request.app.state.inspection_sections
    checks: Sequence[Check] = request.app.state.inspection_checks
    ctx = InspectionContext(db, now, settings, request.app.state.open_data_tables)
    with fetch_from(request.app, settings.base_url) as fetch:
        return inspect_site(ctx, sections, checks, fetch, PAGE_CRAWL_LIMIT)


@pages.get("/inspection", response_class=HTMLResponse)
def inspection_page(
    request: Request, principal: Reviewer, db: DbSession, now: Now, settings: SettingsDep
) -> HTMLResponse:
    findings = _findings(request, db, now, settings)
    return render(
        request,
        "staff/inspection.html",
        principal,
        findings=findings,
        vetoed=vetoed(findings),
        checked_at=now,
    )


@pages.get("/inspection.csv")
def inspection_csv(
    request: Request, _: Reviewer, db: DbSession, now: Now, settings: SettingsDep
) -> Response:
    return Response(
        report_csv(_findings(request, db, now, settings), now),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="self-inspection.csv"'},
    )


class FindingOut(BaseModel):
    indicator: str
    threshold: str
    veto: bool
    passed: bool
    level: str
    evidence: list[str]
    action: str


@api.get("/inspection", response_model=list[FindingOut])
def inspection_rows(
    request: Request,
    _: Reviewer,
    db: DbSession,
    now: Now,
    settings: SettingsDep,
    paging: PagingDep,
) -> list[FindingOut]:
    """The self-inspection's rows, veto indicators first: `{indicator, threshold, veto,
    passed, level, evidence, action}` (the same as `publisher inspect --json`), a page at a
    time like every API list (a report has some fifteen rows: one page)."""
    rows = [FindingOut(**f.as_row()) for f in _findings(request, db, now, settings)]
    return list(paging.take(rows))
