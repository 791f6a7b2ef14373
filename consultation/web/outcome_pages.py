"""The decision's outcome, linked (docs/consultation.md): the staff page that links a closed
consultation to the decision as issued and its 政策解读, and the link back that a gazette
document's page shows (this feature's `document_links`)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from consultation import attachments, drafts, outcomes
from consultation.vocabulary import OutcomeRole, WindowState
from publisher.documents.queries import list_documents
from publisher.feature import DocumentLink
from publisher.staff.principal import StaffPrincipal
from publisher.web.actions import run_staff_action
from publisher.web.auth import Reviewer
from publisher.web.deps import MAX_ID, DbSession, IdPath, Now
from publisher.web.render import render

router = APIRouter(prefix="/staff/consultations", include_in_schema=False)


def _page(
    request: Request,
    principal: StaffPrincipal,
    db: Session,
    draft_id: int,
    now: dt.datetime,
    status: int = 200,
    error: str | None = None,
    done: bool = False,
) -> HTMLResponse:
    draft = drafts.get_draft(db, draft_id)
    return render(
        request,
        "staff/consultations/outcome.html",
        principal,
        status=status,
        draft=draft,
        closed=drafts.window_state(draft, now) is WindowState.CLOSED,
        outcomes=outcomes.outcomes_of(draft),
        roles=list(OutcomeRole),
        documents=list_documents(db),
        attachments=attachments.list_attachments(db, draft_id),
        error=error,
        done=done,
    )


@router.get("/{draft_id}/outcome", response_class=HTMLResponse)
def outcome_staff_page(
    request: Request, draft_id: IdPath, principal: Reviewer, db: DbSession, now: Now
) -> HTMLResponse:
    done = request.query_params.get("done") == "linked"
    return _page(request, principal, db, draft_id, now, done=done)


@router.post("/{draft_id}/outcome", response_class=HTMLResponse)
def link_outcome_form(
    request: Request,
    draft_id: IdPath,
    principal: Reviewer,
    db: DbSession,
    now: Now,
    role: Annotated[OutcomeRole, Form()],
    source: Annotated[str, Form(max_length=20)] = "document",
    document_id: Annotated[str, Form(max_length=80)] = "",
    attachment_id: Annotated[int | None, Form(ge=1, le=MAX_ID)] = None,
) -> Response:
    """Link the decision or its 解读: a gazette document, or a file attached to the draft."""

    def action() -> object:
        from_document = source == "document"
        return outcomes.link_outcome(
            db,
            principal,
            draft_id,
            role,
            now,
            document_id=document_id if from_document else None,
            attachment_id=None if from_document else attachment_id,
        )

    def refused(status: int, message_zh: str) -> Response:
        return _page(request, principal, db, draft_id, now, status=status, error=message_zh)

    return run_staff_action(action, f"/staff/consultations/{draft_id}/outcome?done=linked", refused)


def document_links(session: Session, document_id: str, now: dt.datetime) -> list[DocumentLink]:
    """On a gazette document's page: the consultations it is the outcome of."""
    labels = {
        OutcomeRole.DECISION: "本文件为以下决策草案公开征求意见后正式发布的决策",
        OutcomeRole.INTERPRETATION: "本文件为以下经公开征求意见的决策的政策解读",
    }
    return [
        DocumentLink(labels[role], draft.title, f"/consultations/{draft.id}")
        for role, draft in outcomes.consultations_of_document(session, document_id, now)
    ]
