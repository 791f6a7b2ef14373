"""Public pages of a draft's versions: the list with the reason for each change, and a
readable diff between any two, article by article."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from consultation import drafts, versions
from consultation.diff import diff_drafts
from publisher.web.deps import DbSession, IdPath, Now
from publisher.web.render import page

router = APIRouter(tags=["consultation pages"], include_in_schema=False)

STATUS_ZH = {"changed": "修改", "added": "新增", "removed": "删除", "unchanged": "未修改"}


@router.get("/consultations/{draft_id}/versions", response_class=HTMLResponse)
def versions_page(request: Request, draft_id: IdPath, db: DbSession, now: Now) -> HTMLResponse:
    draft = drafts.get_public_draft(db, draft_id, now)
    found = versions.versions_of(db, draft)
    return page(request, "consultations/versions.html", draft=draft, versions=found)


@router.get("/consultations/{draft_id}/diff", response_class=HTMLResponse)
def diff_page(
    request: Request,
    draft_id: IdPath,
    db: DbSession,
    now: Now,
    from_version: Annotated[int, Query(alias="from", ge=1, le=10_000)] = 1,
    to_version: Annotated[int | None, Query(alias="to", ge=1, le=10_000)] = None,
) -> HTMLResponse:
    """Without `to`, the latest version; changed articles first shown in full, the unchanged
    ones folded."""
    draft = drafts.get_public_draft(db, draft_id, now)
    found = versions.versions_of(db, draft)
    old = versions.version_of(db, draft, from_version)
    new = versions.version_of(db, draft, to_version or found[-1].number)
    diffs = diff_drafts(old.parsed, new.parsed)
    return page(
        request,
        "consultations/diff.html",
        draft=draft,
        versions=found,
        old=old,
        new=new,
        changed=[d for d in diffs if d.changed],
        unchanged=[d for d in diffs if not d.changed],
        status_zh=STATUS_ZH,
    )
