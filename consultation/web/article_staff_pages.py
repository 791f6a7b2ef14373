"""Staff pages for a draft's versions (cookie session + CSRF): how its text parses into
articles, the versions so far, publishing a revision and the final decided text."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from consultation import attachments, drafts, versions
from consultation.articles import parse_draft
from publisher.errors import PublisherError
from publisher.rules.rulebook import RuleBook
from publisher.staff.principal import StaffPrincipal
from publisher.web.actions import run_staff_action
from publisher.web.auth import Editor, Reviewer
from publisher.web.deps import DbSession, IdPath, Now, Rules
from publisher.web.forms import checked, require_local_datetime
from publisher.web.render import render

router = APIRouter(prefix="/staff/consultations", include_in_schema=False)


def _page(
    request: Request,
    principal: StaffPrincipal,
    db: DbSession,
    draft_id: int,
    now: dt.datetime,
    rules: RuleBook,
    status: int = 200,
    error: str | None = None,
    done: str | None = None,
    form: dict[str, str] | None = None,
) -> HTMLResponse:
    draft = drafts.get_draft(db, draft_id)
    found = versions.versions_of(db, draft)
    parsed = parse_draft(found[-1].text)
    try:
        earliest: str = versions.earliest_close_after_revision(now, rules).isoformat()
    except PublisherError:  # a calendar not loaded only hides the hint
        earliest = ""
    return render(
        request,
        "staff/consultations/versions.html",
        principal,
        status=status,
        draft=draft,
        versions=found,
        parsed=parsed,
        chapters=len({u.chapter for u in parsed.units if u.chapter}),
        state=drafts.window_state(draft, now),
        attachments=attachments.list_attachments(db, draft_id),
        earliest=earliest,
        error=error,
        done=done,
        form=form or {"text": found[-1].text},
    )


@router.get("/{draft_id}/versions", response_class=HTMLResponse)
def versions_staff_page(
    request: Request,
    draft_id: IdPath,
    principal: Editor,
    db: DbSession,
    now: Now,
    rules: Rules,
    done: str = "",
) -> HTMLResponse:
    return _page(request, principal, db, draft_id, now, rules, done=done or None)


def _publish(
    request: Request,
    principal: StaffPrincipal,
    db: DbSession,
    draft_id: int,
    now: dt.datetime,
    rules: RuleBook,
    form: dict[str, str],
    final: bool,
) -> Response:
    def action() -> object:
        closes = form.get("closes_at", "")
        data = versions.RevisionInput(
            reason=form.get("reason", ""),
            text=form.get("text", ""),
            attachment_id=int(form["attachment_id"]) if form.get("attachment_id") else None,
            material=checked(form.get("material", "")),
            final=final,
            closes_at=require_local_datetime(closes, "closes_at", "新的截止时间")
            if closes
            else None,
        )
        return versions.publish_version(db, principal, draft_id, data, rules, now)

    def refused(status: int, message_zh: str) -> Response:
        return _page(request, principal, db, draft_id, now, rules, status, message_zh, form=form)

    done = "final" if final else "revised"
    return run_staff_action(
        action, f"/staff/consultations/{draft_id}/versions?done={done}", refused
    )


@router.post("/{draft_id}/versions", response_class=HTMLResponse)
def revise_form(
    request: Request,
    draft_id: IdPath,
    principal: Editor,
    db: DbSession,
    now: Now,
    rules: Rules,
    text: Annotated[str, Form(max_length=200_000)] = "",
    attachment_id: Annotated[str, Form(pattern=r"^\d{0,9}$")] = "",
    reason: Annotated[str, Form(max_length=5000)] = "",
    material: Annotated[str, Form(max_length=10)] = "",
    closes_at: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    form = {
        "text": text,
        "attachment_id": attachment_id,
        "reason": reason,
        "material": material,
        "closes_at": closes_at,
    }
    return _publish(request, principal, db, draft_id, now, rules, form, final=False)


@router.post("/{draft_id}/final-text", response_class=HTMLResponse)
def final_text_form(
    request: Request,
    draft_id: IdPath,
    principal: Reviewer,
    db: DbSession,
    now: Now,
    rules: Rules,
    text: Annotated[str, Form(max_length=200_000)] = "",
    attachment_id: Annotated[str, Form(pattern=r"^\d{0,9}$")] = "",
    reason: Annotated[str, Form(max_length=5000)] = "",
) -> Response:
    form = {"text": text, "attachment_id": attachment_id, "reason": reason}
    return _publish(request, principal, db, draft_id, now, rules, form, final=True)
