"""The staff work queue (工作台): the staff home's queues, one queue's page sorted by any of its
columns, and the same as JSON (`GET /api/v1/staff/queue`).

The queues come from the features' manifests (`app.state.work_queues`, filled from
`publisher.wiring`); this module names no feature.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Literal

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel

from publisher.errors import NotFound, PermissionDenied
from publisher.staff.principal import StaffPrincipal
from publisher.web.auth import Editor
from publisher.web.deps import DbSession, Now, Rules
from publisher.web.render import render
from publisher.web.schemas import LocalInstant
from publisher.workqueue import (
    QueueContext,
    QueueReport,
    QueueRow,
    QueueSort,
    WorkQueue,
    collect,
    default_descending,
    find,
    report,
)

pages = APIRouter(prefix="/staff", tags=["staff pages"], include_in_schema=False)
api = APIRouter(prefix="/api/v1/staff", tags=["staff"])


def queues_of(request: Request) -> Sequence[WorkQueue]:
    queues: Sequence[WorkQueue] = request.app.state.work_queues
    return queues


def home_reports(
    request: Request, principal: StaffPrincipal, db: DbSession, now: dt.datetime, rules: Rules
) -> list[QueueReport]:
    """Every queue the signed-in role acts on (the staff home's and the API's)."""
    return collect(db, queues_of(request), principal.role, QueueContext(now, rules.calendar))


@pages.get("/queue/{key}", response_class=HTMLResponse)
def work_queue_page(
    request: Request,
    key: str,
    principal: Editor,
    db: DbSession,
    now: Now,
    rules: Rules,
    sort: QueueSort | None = None,
    order: Literal["asc", "desc"] | None = None,
) -> HTMLResponse:
    """One queue, sorted by the column asked (`?sort=count|waiting|due|label&order=asc|desc`)."""
    queue = find(queues_of(request), key)
    if queue is None:
        raise NotFound(f"No work queue {key!r}.", "未找到该工作队列。")
    if not principal.role.allows(queue.role):
        raise PermissionDenied(
            "This queue is for a stronger role.", f"该工作队列仅限{queue.role.label_zh}及以上角色。"
        )
    if sort not in queue.sorts:
        sort = queue.default_sort
    descending = default_descending(sort) if order is None else order == "desc"
    found = report(db, queue, QueueContext(now, rules.calendar), sort, descending)
    return render(
        request,
        "staff/queue.html",
        principal,
        report=found,
        sort=sort,
        descending=descending,
        now=now,
    )


class QueueRowOut(BaseModel):
    label: str
    #: how many wait; null when the row is itself the one item (a draft, a meeting)
    count: int | None
    link: str
    waiting_since: LocalInstant | None
    due_at: LocalInstant | None
    note: str

    @classmethod
    def of(cls, row: QueueRow) -> QueueRowOut:
        return cls(
            label=row.label,
            count=row.count,
            link=row.link,
            waiting_since=row.waiting_since,
            due_at=row.due_at,
            note=row.note,
        )


class QueueOut(BaseModel):
    key: str
    title_zh: str
    title_en: str
    total: int
    #: the page of this queue, sortable
    link: str
    #: why the queue could not be counted (e.g. the calendar does not cover the year)
    error_zh: str | None
    rows: list[QueueRowOut]

    @classmethod
    def of(cls, found: QueueReport) -> QueueOut:
        queue = found.queue
        return cls(
            key=queue.key,
            title_zh=queue.title_zh,
            title_en=queue.title_en,
            total=found.total,
            link=f"/staff/queue/{queue.key}",
            error_zh=found.error_zh,
            rows=[QueueRowOut.of(r) for r in found.rows],
        )


class WorkQueueOut(BaseModel):
    generated_at: LocalInstant
    queues: list[QueueOut]


@api.get("/queue", response_model=WorkQueueOut)
def staff_work_queue(
    request: Request, principal: Editor, db: DbSession, now: Now, rules: Rules
) -> WorkQueueOut:
    """What waits for staff, queue by queue (those the caller's role acts on): each row a
    count and the link to the filtered list behind it."""
    reports = home_reports(request, principal, db, now, rules)
    return WorkQueueOut(generated_at=now, queues=[QueueOut.of(r) for r in reports])
