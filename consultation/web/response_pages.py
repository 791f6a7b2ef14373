"""The comments staff published in full, for the public: a page per consultation (paged) and
the same list in the API. The page groups nothing: each response names its version and
article, and links back to that article on the draft."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from consultation import drafts
from consultation.responses import count_published, published_responses
from consultation.web.response_schemas import PublishedResponseOut
from publisher.errors import NotFound
from publisher.web.deps import DbSession, IdPath, Now
from publisher.web.openapi import error_responses
from publisher.web.render import page
from publisher.web.responses import PagingDep

router = APIRouter(tags=["consultation pages"], include_in_schema=False)
api_router = APIRouter(prefix="/api/v1", tags=["consultations"])

#: responses on one page of the public list
PER_PAGE = 20


@router.get("/consultations/{draft_id}/responses", response_class=HTMLResponse)
def responses_page(
    request: Request,
    draft_id: IdPath,
    db: DbSession,
    now: Now,
    page_number: Annotated[int, Query(alias="page", ge=1, le=100_000)] = 1,
) -> HTMLResponse:
    draft = drafts.get_public_draft(db, draft_id, now)
    total = count_published(db, draft.id)
    page_count = max(1, -(-total // PER_PAGE))
    if page_number > page_count:
        raise NotFound(
            f"The list has {page_count} pages.", f"该列表共{page_count}页，没有第{page_number}页。"
        )
    found = published_responses(db, draft, offset=(page_number - 1) * PER_PAGE, limit=PER_PAGE)
    return page(
        request,
        "consultations/responses.html",
        draft=draft,
        responses=found,
        total=total,
        page_number=page_number,
        page_count=page_count,
        show_article=True,
    )


@api_router.get(
    "/consultations/{draft_id}/responses",
    responses=error_responses(404, 422),
    summary="Comments published in full, with their answers",
)
def list_responses(
    draft_id: IdPath, db: DbSession, now: Now, paging: PagingDep
) -> list[PublishedResponseOut]:
    """The comments staff published in full (redacted, personal data masked), oldest first,
    each with the version and article it was made on, its disposition, answer and approved
    files. Never who made it."""
    draft = drafts.get_public_draft(db, draft_id, now)
    paging.found(count_published(db, draft.id))
    found = published_responses(db, draft, offset=paging.offset, limit=paging.per_page)
    return [PublishedResponseOut.of(r) for r in found]
