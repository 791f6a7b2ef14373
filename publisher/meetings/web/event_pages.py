"""Staff pages of a meeting as an event: edit its agenda items, check people in at the door
(typed or scanned code) with the list and counts, publish its outcome. Each action is one
use case run by `run_staff_action`: 303 back on success, the page again with the reason."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from publisher.errors import NotFound, ValidationFailed
from publisher.meetings import agenda, attendance, notices, outcomes
from publisher.meetings.agenda_items import DocumentInput, ItemInput
from publisher.meetings.vocabulary import DocumentKind, RepresentativeCategory, SummaryKind
from publisher.staff.principal import StaffPrincipal
from publisher.web.actions import run_staff_action
from publisher.web.auth import Editor, Reviewer
from publisher.web.deps import Blobs, DbSession, IdPath, Now, SettingsDep
from publisher.web.forms import read_upload
from publisher.web.render import render

router = APIRouter(prefix="/staff/meetings", tags=["meeting staff pages"], include_in_schema=False)

#: blank rows offered under the items already there
BLANK_ROWS = 3
_KINDS = {k.label_zh: k for k in DocumentKind} | {k.value: k for k in DocumentKind}


def parse_documents(text: str, number: int) -> list[DocumentInput]:
    """One document a line: its kind (征求意见稿, 公报文件 or 附件), its label, its link."""
    documents = []
    for line in text.splitlines():
        parts = line.split()
        if not parts:
            continue
        kind = _KINDS.get(parts[0])
        if kind is None or len(parts) < 2:
            raise ValidationFailed(
                f"agenda item {number}: write each document as 'kind label link'",
                f"第{number}项议题的文件请按“类型 名称 链接”每行一个填写，"
                "类型为征求意见稿、公报文件或附件",
                field="documents",
            )
        documents.append(DocumentInput(kind, " ".join(parts[1:-1]), parts[-1]))
    return documents


def _agenda_page(
    request: Request, principal: StaffPrincipal, db: DbSession, meeting_id: int, **extra: Any
) -> HTMLResponse:
    notice = notices.get_notice(db, meeting_id)
    status = extra.pop("status", 200)
    return render(
        request,
        "staff/meetings/agenda.html",
        principal,
        status=status,
        notice=notice,
        blank_rows=BLANK_ROWS,
        doc_kinds=DocumentKind.labels_zh(),
        **extra,
    )


@router.get("/{meeting_id}/agenda", response_class=HTMLResponse)
def agenda_staff_page(
    meeting_id: IdPath, request: Request, principal: Editor, db: DbSession
) -> HTMLResponse:
    return _agenda_page(request, principal, db, meeting_id)


@router.post("/{meeting_id}/agenda", response_class=HTMLResponse)
def agenda_form(
    meeting_id: IdPath,
    request: Request,
    principal: Editor,
    db: DbSession,
    now: Now,
    title: Annotated[list[str], Form(max_length=60)],
    description: Annotated[list[str], Form(max_length=60)],
    documents: Annotated[list[str], Form(max_length=60)],
    reason: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    def action() -> object:
        items = []
        for number, (t, d, docs) in enumerate(zip(title, description, documents, strict=False), 1):
            if t.strip() or d.strip() or docs.strip():
                items.append(ItemInput(t, d, parse_documents(docs, number)))
        return agenda.set_agenda(db, principal, meeting_id, items, now, reason)

    def refused(status: int, message_zh: str) -> Response:
        return _agenda_page(request, principal, db, meeting_id, status=status, error=message_zh)

    return run_staff_action(action, f"/staff/meetings/{meeting_id}/agenda?done=saved", refused)


@router.post("/{meeting_id}/agenda/{item}/attachments", response_class=HTMLResponse)
def attach_file_form(
    meeting_id: IdPath,
    item: IdPath,
    request: Request,
    principal: Editor,
    db: DbSession,
    settings: SettingsDep,
    blobs: Blobs,
    now: Now,
    title: Annotated[str, Form(max_length=400)] = "",
    file: Annotated[UploadFile | None, File()] = None,
    reason: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """The upload form under each item (multipart; its CSRF token checked like any other)."""

    def action() -> object:
        filename, data = read_upload(file, settings.max_upload_bytes)
        return agenda.attach_file(
            db,
            principal,
            meeting_id,
            item,
            title,
            filename,
            data,
            blobs=blobs,
            max_bytes=settings.max_upload_bytes,
            now=now,
            reason=reason,
        )

    def refused(status: int, message_zh: str) -> Response:
        return _agenda_page(request, principal, db, meeting_id, status=status, error=message_zh)

    return run_staff_action(action, f"/staff/meetings/{meeting_id}/agenda?done=file", refused)


def _checkin_page(
    request: Request,
    principal: StaffPrincipal,
    db: DbSession,
    meeting_id: int,
    now: dt.datetime,
    status: int = 200,
    **extra: Any,
) -> HTMLResponse:
    notice = notices.get_notice(db, meeting_id)
    return render(
        request,
        "staff/meetings/checkin.html",
        principal,
        status=status,
        notice=notice,
        counts=attendance.attendance(db, notice, now),
        attendees=attendance.checkin_list(db, meeting_id),
        categories=RepresentativeCategory.labels_zh(),
        **extra,
    )


@router.get("/{meeting_id}/checkin", response_class=HTMLResponse)
def checkin_staff_page(
    meeting_id: IdPath, request: Request, principal: Reviewer, db: DbSession, now: Now
) -> HTMLResponse:
    return _checkin_page(request, principal, db, meeting_id, now)


@router.post("/{meeting_id}/checkin", response_class=HTMLResponse)
def checkin_form(
    meeting_id: IdPath,
    request: Request,
    principal: Reviewer,
    db: DbSession,
    now: Now,
    code: Annotated[str, Form(max_length=40)],
) -> Response:
    def refused(status: int, message_zh: str) -> Response:
        return _checkin_page(request, principal, db, meeting_id, now, status, error=message_zh)

    def done(result: attendance.CheckIn) -> str:
        outcome = "again" if result.already else "ok"
        return f"/staff/meetings/{meeting_id}/checkin?done={outcome}&who={result.application.id}"

    def action() -> attendance.CheckIn:
        try:
            return attendance.check_in(db, principal, meeting_id, code, now)
        except NotFound as exc:  # at the door a wrong code is a message, not a missing page
            notices.get_notice(db, meeting_id)
            raise ValidationFailed(exc.message_en, exc.message_zh, field="code") from None

    return run_staff_action(action, done, refused)


def _outcome_page(
    request: Request,
    principal: StaffPrincipal,
    db: DbSession,
    meeting_id: int,
    now: dt.datetime,
    status: int = 200,
    **extra: Any,
) -> HTMLResponse:
    notice = notices.get_notice(db, meeting_id)
    return render(
        request,
        "staff/meetings/outcome.html",
        principal,
        status=status,
        notice=notice,
        shown=outcomes.view(notice),
        counts=attendance.attendance(db, notice, now),
        summary_kinds=list(SummaryKind),
        doc_kinds=DocumentKind.labels_zh(),
        **extra,
    )


@router.get("/{meeting_id}/outcome", response_class=HTMLResponse)
def outcome_staff_page(
    meeting_id: IdPath, request: Request, principal: Editor, db: DbSession, now: Now
) -> HTMLResponse:
    return _outcome_page(request, principal, db, meeting_id, now)


@router.post("/{meeting_id}/outcome", response_class=HTMLResponse)
def outcome_form(
    meeting_id: IdPath,
    request: Request,
    principal: Editor,
    db: DbSession,
    now: Now,
    summary_kind: Annotated[SummaryKind, Form()],
    summary: Annotated[str, Form(max_length=20000)],
    decision: Annotated[list[str], Form(max_length=60)] = [],  # noqa: B006 (FastAPI copies it)
    links: Annotated[str, Form(max_length=10000)] = "",
) -> Response:
    def action() -> object:
        decisions = {n: text for n, text in enumerate(decision, start=1) if text.strip()}
        data = outcomes.OutcomeInput(
            summary_kind, summary, decisions, parse_documents(links, 0) if links else []
        )
        return outcomes.publish_outcome(db, principal, meeting_id, data, now)

    def refused(status: int, message_zh: str) -> Response:
        return _outcome_page(request, principal, db, meeting_id, now, status, error=message_zh)

    return run_staff_action(action, f"/staff/meetings/{meeting_id}/outcome?done=published", refused)
