"""JSON API of a draft as articles: its versions, the articles of one version with their
comment counts and published answers, the diff between two versions, the closed loop; and the
staff routes that publish a revision and the final text. Thin: each route calls one use case."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from consultation import drafts, versions
from consultation.article_views import closed_loop, draft_articles
from consultation.diff import diff_drafts
from consultation.web.article_schemas import (
    ArticleDiffOut,
    ArticleOut,
    ClosedLoopOut,
    DiffOut,
    RevisionIn,
    VersionOut,
)
from publisher.errors import NotFound
from publisher.web.auth import Editor, Reviewer
from publisher.web.deps import DbSession, IdPath, Now, Rules
from publisher.web.openapi import error_responses
from publisher.web.responses import PagingDep

router = APIRouter(prefix="/api/v1", tags=["consultations"])
staff_router = APIRouter(prefix="/api/v1/staff/consultations", tags=["staff: consultations"])

VersionQuery = Annotated[int | None, Query(ge=1, le=10_000, description="default: the latest")]


@router.get("/consultations/{draft_id}/versions", response_model=list[VersionOut])
def list_versions(draft_id: IdPath, db: DbSession, now: Now, paging: PagingDep) -> list[VersionOut]:
    """Every version of the draft (第1稿 first), each with the reason for the change and
    whether the office judged it material; the last may be the final decided text."""
    draft = drafts.get_public_draft(db, draft_id, now)
    return [VersionOut.of(draft.id, v) for v in paging.take(versions.versions_of(db, draft))]


@router.get("/consultations/{draft_id}/articles", response_model=list[ArticleOut])
def list_articles(
    draft_id: IdPath, db: DbSession, now: Now, paging: PagingDep, version: VersionQuery = None
) -> list[ArticleOut]:
    """The articles (条) of one version — or its paragraphs when the text has no articles —
    with their chapter and section, paragraphs (款, 项), the number of comments made on each,
    and once the adoption summary is public, the published comments and answers."""
    draft = drafts.get_public_draft(db, draft_id, now)
    view = draft_articles(db, draft, version)
    return [ArticleOut.of(view.version.number, a) for a in paging.take(view.articles)]


@router.get("/consultations/{draft_id}/diff", response_model=DiffOut)
def diff_versions(
    draft_id: IdPath,
    db: DbSession,
    now: Now,
    from_version: Annotated[int, Query(alias="from", ge=1, le=10_000)] = 1,
    to_version: Annotated[
        int | None, Query(alias="to", ge=1, le=10_000, description="default: the latest")
    ] = None,
) -> DiffOut:
    """What changed between two versions, article by article, character by character."""
    draft = drafts.get_public_draft(db, draft_id, now)
    old = versions.version_of(db, draft, from_version)
    new = versions.version_of(db, draft, to_version or versions.current_version(db, draft).number)
    diffs = diff_drafts(old.parsed, new.parsed)
    return DiffOut(
        consultation_id=draft.id,
        from_version=VersionOut.of(draft.id, old),
        to_version=VersionOut.of(draft.id, new),
        changed=sum(d.changed for d in diffs),
        articles=[ArticleDiffOut.of(d) for d in diffs],
    )


@router.get("/consultations/{draft_id}/outcome", response_model=ClosedLoopOut)
def get_outcome(draft_id: IdPath, db: DbSession, now: Now) -> ClosedLoopOut:
    """Once the final decided text is public: per article changed since the first version,
    the change and the comments (by their number in the adoption summary) that led to it."""
    draft = drafts.get_public_draft(db, draft_id, now)
    loop = closed_loop(db, draft)
    if loop is None:
        raise NotFound("The final text is not published yet.", "最终决定文本尚未公布。")
    return ClosedLoopOut.of(draft.id, loop)


@staff_router.post(
    "/{draft_id}/versions",
    response_model=VersionOut,
    status_code=201,
    responses=error_responses(409),
)
def publish_revision(
    draft_id: IdPath, body: RevisionIn, principal: Editor, db: DbSession, now: Now, rules: Rules
) -> VersionOut:
    """Publish a revised draft with the reason; a material revision needs the window open
    5 more working days (422 says the earliest close; give `closes_at` to extend)."""
    version = versions.publish_version(db, principal, draft_id, body.to_input(), rules, now)
    return VersionOut.of(draft_id, version)


@staff_router.post(
    "/{draft_id}/final-text",
    response_model=VersionOut,
    status_code=201,
    responses=error_responses(409),
)
def publish_final_text(
    draft_id: IdPath, body: RevisionIn, principal: Reviewer, db: DbSession, now: Now, rules: Rules
) -> VersionOut:
    """Publish the final decided text after the window has closed; 409 before, or twice."""
    data = body.to_input(final=True)
    version = versions.publish_version(db, principal, draft_id, data, rules, now)
    return VersionOut.of(draft_id, version)
