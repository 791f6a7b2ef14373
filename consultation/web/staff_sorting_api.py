"""Staff JSON API for what the sorting pages do (issue #16): tags, groups answered once, and
publication in full with redactions, and its withdrawal. Thin: each route calls one use case,
with the same roles as the pages."""

from __future__ import annotations

from fastapi import APIRouter, Response

from consultation import groups, publication, tags
from consultation.web.schemas import AnswerOut
from consultation.web.sorting_schemas import (
    GroupAnswerIn,
    GroupIn,
    GroupOut,
    PublicationIn,
    PublicationOut,
    TagCountOut,
    TaggedOut,
    TagIn,
    WithdrawIn,
)
from publisher.web.auth import Editor, Reviewer
from publisher.web.deps import DbSession, IdPath, Now
from publisher.web.openapi import error_responses
from publisher.web.responses import PagingDep

router = APIRouter(prefix="/api/v1/staff/consultations", tags=["staff: consultations"])


@router.get("/{draft_id}/tags", response_model=list[TagCountOut], responses=error_responses(404))
def list_tags(draft_id: IdPath, _: Editor, db: DbSession, paging: PagingDep) -> list[TagCountOut]:
    """The consultation's tags with how many comments carry each, most used first."""
    found = tags.tag_counts(db, draft_id)
    return [TagCountOut(tag=t, comments=n) for t, n in paging.take(found)]


@router.post("/{draft_id}/tags", response_model=TaggedOut, responses=error_responses(404))
def add_tag(draft_id: IdPath, body: TagIn, principal: Editor, db: DbSession, now: Now) -> TaggedOut:
    """Tag the comments (those already tagged are left as they are); audited."""
    changed = tags.tag_comments(db, principal, draft_id, body.comment_ids, body.tag, now)
    return TaggedOut(changed=changed)


@router.post("/{draft_id}/tags/remove", response_model=TaggedOut, responses=error_responses(404))
def remove_tag(draft_id: IdPath, body: TagIn, principal: Editor, db: DbSession) -> TaggedOut:
    """Take the tag off the comments; 404 when none of them had it."""
    changed = tags.untag_comments(db, principal, draft_id, body.comment_ids, body.tag)
    return TaggedOut(changed=changed)


@router.get("/{draft_id}/groups", response_model=list[GroupOut], responses=error_responses(404))
def list_groups(draft_id: IdPath, _: Editor, db: DbSession, paging: PagingDep) -> list[GroupOut]:
    """The groups of near-duplicate comments, with their size and how many are answered."""
    return [GroupOut.of(v) for v in paging.take(groups.list_groups(db, draft_id))]


@router.post(
    "/{draft_id}/groups",
    response_model=GroupOut,
    status_code=201,
    responses=error_responses(404, 409),
)
def create_group(
    draft_id: IdPath, body: GroupIn, principal: Editor, db: DbSession, now: Now
) -> GroupOut:
    """Group comments (a campaign of identical letters, say) to answer them once."""
    group = groups.create_group(db, principal, draft_id, body.comment_ids, body.title, now)
    view = next(v for v in groups.list_groups(db, draft_id) if v.group.id == group.id)
    return GroupOut.of(view)


@router.post(
    "/{draft_id}/groups/{group_id}/answer",
    response_model=AnswerOut,
    responses=error_responses(404, 409),
)
def answer_group(
    draft_id: IdPath,
    group_id: IdPath,
    body: GroupAnswerIn,
    principal: Editor,
    db: DbSession,
    now: Now,
) -> AnswerOut:
    """One disposition and reason for every comment of the group; each commenter is told."""
    answered = groups.answer_group(
        db, principal, draft_id, group_id, body.disposition, body.reason, now
    )
    return AnswerOut(answered=len(answered.comments), messages_queued=answered.messages_queued)


@router.post(
    "/{draft_id}/groups/{group_id}/dissolve", status_code=204, responses=error_responses(404)
)
def dissolve_group(
    draft_id: IdPath, group_id: IdPath, principal: Editor, db: DbSession
) -> Response:
    """Undo a group (its comments keep any answer they were given)."""
    groups.dissolve_group(db, principal, draft_id, group_id)
    return Response(status_code=204)


@router.post(
    "/{draft_id}/comments/{comment_id}/publication",
    response_model=PublicationOut,
    status_code=201,
    responses=error_responses(404, 409),
)
def publish_comment(
    draft_id: IdPath,
    comment_id: IdPath,
    body: PublicationIn,
    principal: Reviewer,
    db: DbSession,
    now: Now,
) -> PublicationOut:
    """Publish a consenting, answered comment in full: personal data masked, each redacted
    passage replaced by its reason. 422 without consent or answer, 409 when published."""
    removals = [publication.Redaction(r.passage, r.reason) for r in body.redactions]
    done = publication.publish_comment(db, principal, draft_id, comment_id, removals, now)
    return PublicationOut.of(done)


@router.post(
    "/{draft_id}/comments/{comment_id}/unpublish",
    status_code=204,
    responses=error_responses(404, 409),
)
def unpublish_comment(
    draft_id: IdPath,
    comment_id: IdPath,
    body: WithdrawIn,
    principal: Reviewer,
    db: DbSession,
    now: Now,
) -> Response:
    """Withdraw a publication, with a reason (audited): it leaves every public output."""
    publication.unpublish_comment(db, principal, draft_id, comment_id, body.reason, now)
    return Response(status_code=204)
