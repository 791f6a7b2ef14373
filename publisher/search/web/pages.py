"""`/search`: the results page in Chinese, the target of the box in every page's header."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from publisher.errors import ValidationFailed
from publisher.search import query
from publisher.search.snippets import html
from publisher.search.web.common import (
    PHASE_ZH,
    DateFromQuery,
    DateToQuery,
    DepartmentQuery,
    KindQuery,
    Phase,
    PhaseQuery,
    Sources,
    make_filter,
)
from publisher.web.deps import DbSession, Now
from publisher.web.render import page

router = APIRouter(tags=["search pages"], include_in_schema=False)
PER_PAGE = 20


@router.get("/search", response_class=HTMLResponse)
def search_page(
    request: Request,
    db: DbSession,
    now: Now,
    sources: Sources,
    q: Annotated[str, Query(max_length=400)] = "",
    kind: KindQuery = None,
    department: DepartmentQuery = None,
    date_from: DateFromQuery = None,
    date_to: DateToQuery = None,
    status: PhaseQuery = None,
    page_number: Annotated[int, Query(alias="page", ge=1, le=500)] = 1,
) -> HTMLResponse:
    found = None
    error = None
    if q.strip():
        try:
            found = query.search(
                db,
                sources,
                q,
                make_filter(kind, department, date_from, date_to, status),
                now,
                (page_number - 1) * PER_PAGE,
                PER_PAGE,
            )
        except ValidationFailed as refused:
            error = refused.message_zh
    pages = -(-found.total // PER_PAGE) if found else 0
    return page(
        request,
        "search/results.html",
        status=422 if error else 200,
        q=q,
        kind=kind or "",
        department=department or "",
        date_from=date_from,
        date_to=date_to,
        status_value=status.value if status else "",
        kinds=[(s.kind, s.label_zh) for s in sources],
        phases=[(p.value, PHASE_ZH[p]) for p in Phase],
        found=found,
        error=error,
        page_number=page_number,
        pages=pages,
        marked=html,
    )
