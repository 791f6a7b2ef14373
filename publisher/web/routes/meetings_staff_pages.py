"""Staff pages for meeting notices: prepare, publish, move, cancel, review, answer."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from publisher.errors import PublisherError, ValidationFailed
from publisher.meetings import service
from publisher.meetings.models import MeetingNotice, RepresentativeCategory
from publisher.rules.predisclosure import MeetingKind
from publisher.staff import audit
from publisher.staff.principal import StaffPrincipal
from publisher.staff.roles import Role
from publisher.web.auth import require_editor, require_reviewer
from publisher.web.deps import Calendar, DbSession, IdField, IdPath, Now, SettingsDep
from publisher.web.errors import status_for
from publisher.web.routes.meetings_api import applications_csv, csv_response, notify_decision
from publisher.web.routes.meetings_common import (
    FIELD_LABELS_ZH,
    parse_local,
)
from publisher.web.routes.staff_pages import render

router = APIRouter(prefix="/staff/meetings", tags=["meeting staff pages"], include_in_schema=False)

Editor = Annotated[StaffPrincipal, Depends(require_editor)]
Reviewer = Annotated[StaffPrincipal, Depends(require_reviewer)]


def _when(value: str, what_zh: str) -> dt.datetime | None:
    try:
        return parse_local(value)
    except ValueError:
        raise ValidationFailed(
            f"invalid date and time: {value}", f"{what_zh}格式不正确", field=what_zh
        ) from None


def _list(
    request: Request, principal: StaffPrincipal, db: DbSession, status: int = 200, **extra: Any
) -> HTMLResponse:
    return render(
        request,
        "staff/meetings/list.html",
        principal,
        status=status,
        notices=service.all_notices(db),
        kinds=list(MeetingKind),
        **extra,
    )


@router.get("", response_class=HTMLResponse)
def meetings(request: Request, principal: Editor, db: DbSession) -> HTMLResponse:
    return _list(request, principal, db)


def _detail(
    request: Request,
    principal: StaffPrincipal,
    db: DbSession,
    notice: MeetingNotice,
    now: dt.datetime,
    calendar: Any,
    status: int = 200,
    **extra: Any,
) -> HTMLResponse:
    try:
        deadline = service.publication_deadline(notice, calendar)
        rule_error = None
    except PublisherError as exc:
        deadline, rule_error = None, exc.message_zh
    reviewer = principal.role.allows(Role.REVIEWER)
    return render(
        request,
        "staff/meetings/detail.html",
        principal,
        status=status,
        notice=notice,
        now=now,
        public_now=notice.is_public(now),
        deadline=deadline,
        rule_error=rule_error,
        missing=service.missing_for_publication(notice),
        kinds=list(MeetingKind),
        categories={c.value: c.label_zh for c in RepresentativeCategory},
        applications=service.list_applications(db, notice.id) if reviewer else [],
        reviewer=reviewer,
        opinions=service.list_opinions(db, notice.id),
        labels=FIELD_LABELS_ZH,
        revisions=[(r, service.revision_changes(r)) for r in notice.revisions],
        **extra,
    )


def _act(
    request: Request,
    principal: StaffPrincipal,
    db: DbSession,
    meeting_id: IdPath,
    now: dt.datetime,
    calendar: Any,
    action: Callable[[], object],
    done: str,
) -> Response:
    """Run a staff action; on a refusal show the detail page with the Chinese reason."""
    try:
        action()
        db.commit()
    except PublisherError as exc:
        db.rollback()
        if status_for(exc) == 404:
            raise
        notice = service.get_notice(db, meeting_id)
        return _detail(
            request,
            principal,
            db,
            notice,
            now,
            calendar,
            status=status_for(exc),
            error=exc.message_zh,
        )
    return RedirectResponse(f"/staff/meetings/{meeting_id}?done={done}", status_code=303)


class NoticeForm(BaseModel):
    """The notice form of the staff pages, shared by "prepare" and "edit"."""

    kind: MeetingKind
    title: str = Field(max_length=200)
    starts_at: str = Field("", max_length=40)
    ends_at: str = Field("", max_length=40)
    place: str = Field("", max_length=200)
    agenda: str = Field("", max_length=20000)
    participation: str = Field("", max_length=5000)
    application_deadline: str = Field("", max_length=40)
    capacity: int = Field(0, ge=0, le=10000)
    media_allowed: bool = False
    withheld: bool = False
    reason: str = Field("", max_length=2000)

    def fields(self) -> dict[str, Any]:
        """The notice's fields, with local date-times parsed (a bad one is a clear 422)."""
        return {
            "kind": self.kind,
            "title": self.title,
            "starts_at": _when(self.starts_at, "开始时间"),
            "ends_at": _when(self.ends_at, "结束时间"),
            "place": self.place,
            "agenda": self.agenda,
            "participation": self.participation,
            "application_deadline": _when(self.application_deadline, "报名截止时间"),
            "capacity": self.capacity,
            "media_allowed": self.media_allowed,
            "withheld": self.withheld,
        }


NoticeFormData = Annotated[NoticeForm, Form()]


@router.post("", response_class=HTMLResponse)
def create(
    request: Request,
    principal: Editor,
    db: DbSession,
    now: Now,
    calendar: Calendar,
    form: NoticeFormData,
) -> Response:
    try:
        draft = service.NoticeDraft(**form.fields())
        notice = service.create_notice(db, principal, draft, now, calendar)
        db.commit()
    except PublisherError as exc:
        db.rollback()
        return _list(request, principal, db, status=status_for(exc), error=exc.message_zh)
    return RedirectResponse(f"/staff/meetings/{notice.id}?done=created", status_code=303)


@router.get("/{meeting_id}", response_class=HTMLResponse)
def detail(
    meeting_id: IdPath,
    request: Request,
    principal: Editor,
    db: DbSession,
    now: Now,
    calendar: Calendar,
) -> HTMLResponse:
    return _detail(request, principal, db, service.get_notice(db, meeting_id), now, calendar)


@router.post("/{meeting_id}", response_class=HTMLResponse)
def edit(
    meeting_id: IdPath,
    request: Request,
    principal: Editor,
    db: DbSession,
    now: Now,
    calendar: Calendar,
    form: NoticeFormData,
) -> Response:
    def action() -> object:
        return service.update_notice(
            db, principal, meeting_id, form.fields(), now, calendar, form.reason
        )

    return _act(request, principal, db, meeting_id, now, calendar, action, "updated")


@router.post("/{meeting_id}/publish", response_class=HTMLResponse)
def publish(
    meeting_id: IdPath,
    request: Request,
    principal: Editor,
    db: DbSession,
    now: Now,
    calendar: Calendar,
    publication_at: Annotated[str, Form(max_length=40)],
) -> Response:
    def action() -> object:
        when = _when(publication_at, "发布时间")
        if when is None:
            raise ValidationFailed("publication time required", "请填写发布时间")
        return service.publish_notice(db, principal, meeting_id, when, now, calendar)

    return _act(request, principal, db, meeting_id, now, calendar, action, "published")


@router.post("/{meeting_id}/cancel", response_class=HTMLResponse)
def cancel(
    meeting_id: IdPath,
    request: Request,
    principal: Editor,
    db: DbSession,
    now: Now,
    calendar: Calendar,
    reason: Annotated[str, Form(max_length=2000)],
) -> Response:
    def action() -> object:
        return service.cancel_notice(db, principal, meeting_id, reason, now)

    return _act(request, principal, db, meeting_id, now, calendar, action, "cancelled")


@router.post("/{meeting_id}/applications/{application_id}/decision", response_class=HTMLResponse)
def decide(
    meeting_id: IdPath,
    application_id: IdPath,
    request: Request,
    principal: Reviewer,
    db: DbSession,
    settings: SettingsDep,
    now: Now,
    calendar: Calendar,
    decision: Annotated[str, Form(pattern="^(approve|decline)$")],
    note: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    decided: list[Any] = []

    def action() -> object:
        decided.append(
            service.decide_application(
                db, principal, meeting_id, application_id, decision == "approve", note, now
            )
        )
        return decided[-1]

    response = _act(request, principal, db, meeting_id, now, calendar, action, "decided")
    if decided and response.status_code == 303:
        notify_decision(settings, decided[0])
    return response


@router.get("/{meeting_id}/applications.csv")
def export(meeting_id: IdPath, principal: Reviewer, db: DbSession) -> Response:
    applications = list(service.list_applications(db, meeting_id))
    audit.record(db, principal, "meeting.applications.export", "meeting_notice", meeting_id)
    db.commit()
    return csv_response(applications_csv(applications), meeting_id)


@router.post("/{meeting_id}/opinions", response_class=HTMLResponse)
def record_opinion(
    meeting_id: IdPath,
    request: Request,
    principal: Editor,
    db: DbSession,
    now: Now,
    calendar: Calendar,
    application_id: Annotated[IdField, Form()],
    body: Annotated[str, Form(max_length=5000)],
) -> Response:
    def action() -> object:
        return service.record_opinion_by_staff(db, principal, meeting_id, application_id, body, now)

    return _act(request, principal, db, meeting_id, now, calendar, action, "opinion")


@router.post("/{meeting_id}/opinions/{opinion_id}/assign", response_class=HTMLResponse)
def assign(
    meeting_id: IdPath,
    opinion_id: IdPath,
    request: Request,
    principal: Editor,
    db: DbSession,
    now: Now,
    calendar: Calendar,
    department: Annotated[str, Form(max_length=200)],
    note: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    def action() -> object:
        return service.assign_opinion(db, principal, meeting_id, opinion_id, department, note, now)

    return _act(request, principal, db, meeting_id, now, calendar, action, "assigned")


@router.post("/{meeting_id}/opinions/{opinion_id}/answer", response_class=HTMLResponse)
def answer(
    meeting_id: IdPath,
    opinion_id: IdPath,
    request: Request,
    principal: Editor,
    db: DbSession,
    now: Now,
    calendar: Calendar,
    answer: Annotated[str, Form(max_length=10000)],
) -> Response:
    def action() -> object:
        return service.answer_opinion(db, principal, meeting_id, opinion_id, answer, now)

    return _act(request, principal, db, meeting_id, now, calendar, action, "answered")
