"""Staff pages for sorting many comments (issue #16 item 5): tags (add, remove, filter, CSV of a
tag) and groups of near-duplicates (proposed by the service, created by staff, answered once,
dissolved). Each action is one use case run by `run_staff_action`: 303 back on success, the
page again with the Chinese reason on a refusal (which wrote nothing)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Literal
from urllib.parse import quote

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, Response

from consultation import drafts, exports, groups, tags
from consultation.vocabulary import Disposition
from publisher.errors import ValidationFailed
from publisher.staff.principal import StaffPrincipal
from publisher.web.actions import run_staff_action
from publisher.web.auth import Editor, Reviewer
from publisher.web.deps import MAX_ID, DbSession, IdPath, Now
from publisher.web.render import render
from publisher.web.responses import csv_download

router = APIRouter(prefix="/staff/consultations", include_in_schema=False)

TagQuery = Annotated[str, Query(max_length=tags.MAX_TAG_CHARS * 2)]
#: comment ids a form may carry (a campaign of thousands of letters is one group)
IdsForm = Annotated[list[str], Form()]


def _ids(values: list[str]) -> list[int]:
    return [int(v) for v in values if v.isdigit() and 1 <= int(v) <= MAX_ID]


def _tags_page(
    request: Request,
    principal: StaffPrincipal,
    db: DbSession,
    draft_id: int,
    tag: str,
    status: int = 200,
    error: str | None = None,
) -> HTMLResponse:
    return render(
        request,
        "staff/consultations/tags.html",
        principal,
        status=status,
        draft=drafts.get_draft(db, draft_id),
        tag=tag,
        counts=tags.tag_counts(db, draft_id),
        comments=tags.comments_tagged(db, draft_id, tag or None),
        tags_of=tags.tags_by_comment(db, draft_id),
        group_of=groups.group_by_comment(db, draft_id),
        tag_url=quote(tag),
        error=error,
    )


@router.get("/{draft_id}/tags", response_class=HTMLResponse)
def comment_tags_page(
    request: Request, draft_id: IdPath, principal: Editor, db: DbSession, tag: TagQuery = ""
) -> HTMLResponse:
    """`?tag=` shows the comments carrying that tag only."""
    return _tags_page(request, principal, db, draft_id, tag.strip())


@router.post("/{draft_id}/tags", response_class=HTMLResponse)
def tag_comments_form(
    request: Request,
    draft_id: IdPath,
    principal: Editor,
    db: DbSession,
    now: Now,
    comment_ids: IdsForm = [],  # noqa: B006
    tag: Annotated[str, Form(max_length=tags.MAX_TAG_CHARS * 2)] = "",
    op: Annotated[Literal["add", "remove"], Form()] = "add",
    shown: Annotated[str, Form(max_length=tags.MAX_TAG_CHARS * 2)] = "",
) -> Response:
    ids = _ids(comment_ids)

    def action() -> str:
        if op == "remove":
            tags.untag_comments(db, principal, draft_id, ids, tag)
        else:
            tags.tag_comments(db, principal, draft_id, ids, tag, now)
        return tags.normalise_tag(tag)

    def refused(status: int, message_zh: str) -> Response:
        return _tags_page(request, principal, db, draft_id, shown, status, message_zh)

    return run_staff_action(
        action,
        lambda done: f"/staff/consultations/{draft_id}/tags?tag={quote(done)}",
        refused,
    )


@router.get("/{draft_id}/tagged.csv")
def export_tagged_page(
    draft_id: IdPath, principal: Reviewer, db: DbSession, tag: TagQuery = ""
) -> Response:
    """The comments carrying one tag, with personal data (audited)."""
    body = exports.export_tagged(db, principal, draft_id, tag)
    return csv_download(body, f"consultation-{draft_id}-tagged.csv")


def _groups_page(
    request: Request,
    principal: StaffPrincipal,
    db: DbSession,
    draft_id: int,
    status: int = 200,
    error: str | None = None,
) -> HTMLResponse:
    return render(
        request,
        "staff/consultations/groups.html",
        principal,
        status=status,
        draft=drafts.get_draft(db, draft_id),
        groups=groups.list_groups(db, draft_id),
        proposals=groups.propose_groups(db, draft_id),
        dispositions=list(Disposition),
        similarity=int(groups.SIMILARITY * 100),
        error=error,
    )


@router.get("/{draft_id}/groups", response_class=HTMLResponse)
def comment_groups_page(
    request: Request, draft_id: IdPath, principal: Editor, db: DbSession
) -> HTMLResponse:
    return _groups_page(request, principal, db, draft_id)


def _act(
    request: Request,
    principal: StaffPrincipal,
    db: DbSession,
    draft_id: int,
    action: Callable[[], object],
    done: str,
) -> Response:
    def refused(status: int, message_zh: str) -> Response:
        return _groups_page(request, principal, db, draft_id, status, message_zh)

    return run_staff_action(action, f"/staff/consultations/{draft_id}/groups?done={done}", refused)


@router.post("/{draft_id}/groups", response_class=HTMLResponse)
def create_group_form(
    request: Request,
    draft_id: IdPath,
    principal: Editor,
    db: DbSession,
    now: Now,
    comment_ids: IdsForm = [],  # noqa: B006
    title: Annotated[str, Form(max_length=400)] = "",
) -> Response:
    ids = _ids(comment_ids)

    def action() -> object:
        return groups.create_group(db, principal, draft_id, ids, title, now)

    return _act(request, principal, db, draft_id, action, "grouped")


@router.post("/{draft_id}/groups/{group_id}/answer", response_class=HTMLResponse)
def answer_group_form(
    request: Request,
    draft_id: IdPath,
    group_id: IdPath,
    principal: Editor,
    db: DbSession,
    now: Now,
    disposition: Annotated[str, Form(max_length=40)] = "",
    reason: Annotated[str, Form(max_length=10_000)] = "",
) -> Response:
    def action() -> object:
        if disposition not in Disposition.labels_zh():
            raise ValidationFailed("Choose a disposition.", "请选择处理结果。", field="disposition")
        return groups.answer_group(
            db, principal, draft_id, group_id, Disposition(disposition), reason, now
        )

    return _act(request, principal, db, draft_id, action, "answered")


@router.post("/{draft_id}/groups/{group_id}/dissolve", response_class=HTMLResponse)
def dissolve_group_form(
    request: Request,
    draft_id: IdPath,
    group_id: IdPath,
    principal: Editor,
    db: DbSession,
) -> Response:
    def action() -> object:
        groups.dissolve_group(db, principal, draft_id, group_id)
        return None

    return _act(request, principal, db, draft_id, action, "dissolved")
