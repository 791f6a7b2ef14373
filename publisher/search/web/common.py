"""What the search API and page share: the sources the app was built with, the filters."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated

from fastapi import Depends, Query, Request

from publisher.search.query import SearchFilter
from publisher.search.source import SearchSource


class Phase(StrEnum):
    UPCOMING = "upcoming"
    OPEN = "open"
    CLOSED = "closed"
    CANCELLED = "cancelled"


PHASE_ZH = {
    Phase.UPCOMING: "尚未开始",
    Phase.OPEN: "进行中",
    Phase.CLOSED: "已结束",
    Phase.CANCELLED: "已取消或撤回",
}


def search_sources(request: Request) -> tuple[SearchSource, ...]:
    sources: tuple[SearchSource, ...] = request.app.state.search_sources
    return sources


Sources = Annotated[tuple[SearchSource, ...], Depends(search_sources)]
QueryText = Annotated[
    str, Query(max_length=400, description="Words or a document number (at most 100 characters).")
]
KindQuery = Annotated[
    str | None,
    Query(
        max_length=32,
        description="Only this kind: `meeting`, `consultation`, `document`, `dataset`.",
    ),
]
DepartmentQuery = Annotated[
    str | None, Query(max_length=200, description="Only this department or issuer (exact).")
]
DateFromQuery = Annotated[
    dt.date | None, Query(description="Dated on or after this day (Beijing time).")
]
DateToQuery = Annotated[dt.date | None, Query(description="Dated on or before this day.")]
PhaseQuery = Annotated[
    Phase | None,
    Query(alias="status", description="By the clock: upcoming, open, closed or cancelled."),
]


def make_filter(
    kind: str | None,
    department: str | None,
    date_from: dt.date | None,
    date_to: dt.date | None,
    phase: Phase | None,
) -> SearchFilter:
    return SearchFilter(
        kinds=(kind,) if kind else (),
        department=department or None,
        date_from=date_from,
        date_to=date_to,
        phase=phase.value if phase else None,
    )
