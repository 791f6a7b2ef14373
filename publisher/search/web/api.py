"""`GET /api/v1/search`: the site's search as JSON, paged like every list."""

from __future__ import annotations

from fastapi import APIRouter

from publisher.search import query
from publisher.search.web.common import (
    DateFromQuery,
    DateToQuery,
    DepartmentQuery,
    KindQuery,
    PhaseQuery,
    QueryText,
    Sources,
    make_filter,
)
from publisher.search.web.schemas import SearchHitOut
from publisher.web.deps import DbSession, Now
from publisher.web.openapi import error_responses
from publisher.web.responses import PagingDep

router = APIRouter(prefix="/api/v1", tags=["search"])


@router.get("/search", response_model=list[SearchHitOut], responses=error_responses(422))
def search(
    q: QueryText,
    db: DbSession,
    now: Now,
    paging: PagingDep,
    sources: Sources,
    kind: KindQuery = None,
    department: DepartmentQuery = None,
    date_from: DateFromQuery = None,
    date_to: DateToQuery = None,
    status: PhaseQuery = None,
) -> list[SearchHitOut]:
    """Public meetings, consultations, gazette documents and datasets matching `q` (Chinese is
    segmented into words; a document number is found however it is bracketed or spaced), the
    best first: an exact title, then relevance with a bonus for recent things. 422 (English and
    Chinese) for an empty or too long query, an unknown kind or a reversed date range."""
    found = query.search(
        db,
        sources,
        q,
        make_filter(kind, department, date_from, date_to, status),
        now,
        paging.offset,
        paging.per_page,
    )
    paging.found(found.total)
    return SearchHitOut.list_of(found.hits)
