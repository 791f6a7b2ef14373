"""Staff keep a gazette document's 主题分类 and 有效性 (已废止/已修改): a page and the API."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, Field

from publisher.documents import queries
from publisher.documents.disclosure import (
    MAX_NOTE_CHARS,
    TOPICS,
    DisclosureMeta,
    Validity,
    set_document_status,
)
from publisher.staff.principal import StaffPrincipal
from publisher.web.actions import run_staff_action
from publisher.web.auth import Editor
from publisher.web.deps import DbSession, Now, SettingsDep
from publisher.web.openapi import error_responses
from publisher.web.render import render
from publisher.web.routes.opendata_api import DocumentSummaryOut

api = APIRouter(prefix="/api/v1/staff/documents", tags=["staff: documents"])
pages = APIRouter(prefix="/staff/documents", tags=["staff pages"], include_in_schema=False)

DocId = Annotated[str, Path(max_length=80, pattern=r"^[a-z0-9-]+$")]


class DocumentStatusIn(BaseModel):
    topic: str | None = Field(None, max_length=50, description="one of the 主题分类 classes")
    validity: Validity = Validity.EFFECTIVE
    note: str = Field("", max_length=MAX_NOTE_CHARS, description="what repealed or amended it")


@api.post("/{doc_id}/status", response_model=DocumentSummaryOut, responses=error_responses(422))
def set_document_status_api(
    doc_id: DocId,
    body: DocumentStatusIn,
    principal: Editor,
    db: DbSession,
    now: Now,
    settings: SettingsDep,
) -> DocumentSummaryOut:
    """Set a document's 主题分类 and 有效性 (已废止/已修改 need a note saying by what)."""
    doc = set_document_status(
        db,
        doc_id,
        topic=body.topic,
        validity=body.validity,
        note=body.note,
        principal=principal,
        now=now,
    )
    return DocumentSummaryOut.of(doc, settings)


def _page(
    request: Request,
    principal: StaffPrincipal,
    db: DbSession,
    settings: SettingsDep,
    doc_id: str,
    status: int = 200,
    **extra: Any,
) -> HTMLResponse:
    doc = queries.get_document(db, doc_id)
    return render(
        request,
        "staff/document_status.html",
        principal,
        status=status,
        doc=doc,
        meta=DisclosureMeta.of(doc, settings.organisation_code),
        topics=TOPICS,
        validities=list(Validity),
        **extra,
    )


@pages.get("", response_class=HTMLResponse)
def document_status_list(
    request: Request, principal: Editor, db: DbSession, settings: SettingsDep
) -> HTMLResponse:
    """Every stored document with its 索引号, 主题分类 and 有效性, each linking to its form."""
    documents = queries.list_documents(db)
    return render(
        request,
        "staff/document_list.html",
        principal,
        rows=[(doc, DisclosureMeta.of(doc, settings.organisation_code)) for doc in documents],
    )


@pages.get("/{doc_id}", response_class=HTMLResponse)
def document_status_page(
    doc_id: DocId, request: Request, principal: Editor, db: DbSession, settings: SettingsDep
) -> HTMLResponse:
    return _page(request, principal, db, settings, doc_id)


@pages.post("/{doc_id}", response_class=HTMLResponse)
def document_status_form(
    doc_id: DocId,
    request: Request,
    principal: Editor,
    db: DbSession,
    now: Now,
    settings: SettingsDep,
    validity: Annotated[Validity, Form()],
    topic: Annotated[str, Form(max_length=50)] = "",
    note: Annotated[str, Form(max_length=MAX_NOTE_CHARS)] = "",
) -> Response:
    return run_staff_action(
        lambda: set_document_status(
            db, doc_id, topic=topic, validity=validity, note=note, principal=principal, now=now
        ),
        f"/staff/documents/{doc_id}?saved=1",
        lambda status, message: _page(
            request,
            principal,
            db,
            settings,
            doc_id,
            status=status,
            error=message,
            form={"topic": topic, "validity": validity.value, "note": note},
        ),
    )
