"""Staff pages for consultations (cookie session + CSRF): drafts, window, queue, answers."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response

from consultation import attachments, service
from consultation.web.staff_api import comments_csv, do_answer, upload_attachment
from publisher.errors import PublisherError, ValidationFailed
from publisher.rules.predisclosure import ConsultationProfile
from publisher.staff.principal import StaffPrincipal
from publisher.timeutil import LOCAL_TZ
from publisher.web.auth import require_editor, require_reviewer
from publisher.web.deps import MAX_ID, Calendar, DbSession, IdPath, Now, SettingsDep
from publisher.web.errors import status_for
from publisher.web.routes.staff_pages import render

router = APIRouter(prefix="/staff/consultations", include_in_schema=False)

Editor = Annotated[StaffPrincipal, Depends(require_editor)]
Reviewer = Annotated[StaffPrincipal, Depends(require_reviewer)]


def parse_local(value: str, field: str) -> dt.datetime:
    """A datetime-local field is Beijing time."""
    try:
        naive = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        raise ValidationFailed(
            f"{field}: not a date-time", f"{field}：日期时间格式不正确"
        ) from None
    return naive.replace(tzinfo=LOCAL_TZ) if naive.tzinfo is None else naive


def _list_page(
    request: Request,
    principal: StaffPrincipal,
    db: DbSession,
    now: dt.datetime,
    calendar: Any,
    status: int = 200,
    error: str | None = None,
    form: dict[str, str] | None = None,
) -> HTMLResponse:
    form = form or {}
    earliest: dict[str, str] = {}
    if form.get("opens_at"):
        try:
            opens = parse_local(form["opens_at"], "opens_at")
            for p in ConsultationProfile:
                earliest[p.value] = service.earliest_close(opens, p, calendar).render_zh()
        except PublisherError as exc:
            earliest["error"] = exc.message_zh
    return render(
        request,
        "staff/consultations/list.html",
        principal,
        status=status,
        drafts=service.list_drafts(db),
        state_of=lambda d: service.window_state(d, now),
        profiles=list(ConsultationProfile),
        error=error,
        form=form,
        earliest=earliest,
    )


@router.get("", response_class=HTMLResponse)
def drafts_page(
    request: Request,
    principal: Editor,
    db: DbSession,
    now: Now,
    calendar: Calendar,
    opens_at: str = "",
) -> HTMLResponse:
    """`?opens_at=` shows the earliest lawful close for each profile before filling the form."""
    return _list_page(request, principal, db, now, calendar, form={"opens_at": opens_at})


@router.post("", response_class=HTMLResponse)
def create_draft(
    request: Request,
    principal: Editor,
    db: DbSession,
    now: Now,
    calendar: Calendar,
    title: Annotated[str, Form(max_length=300)] = "",
    department: Annotated[str, Form(max_length=200)] = "",
    draft_text: Annotated[str, Form(max_length=200_000)] = "",
    basis_text: Annotated[str, Form(max_length=100_000)] = "",
    explanation_text: Annotated[str, Form(max_length=100_000)] = "",
    profile: Annotated[str, Form(max_length=20)] = "city",
    opens_at: Annotated[str, Form(max_length=40)] = "",
    closes_at: Annotated[str, Form(max_length=40)] = "",
    shorter_reason: Annotated[str, Form(max_length=5000)] = "",
    publish_now: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    form = {
        "title": title,
        "department": department,
        "draft_text": draft_text,
        "basis_text": basis_text,
        "explanation_text": explanation_text,
        "profile": profile,
        "opens_at": opens_at,
        "closes_at": closes_at,
        "shorter_reason": shorter_reason,
    }
    try:
        opens = parse_local(opens_at, "opens_at")
        data = service.DraftInput(
            title=title,
            department=department,
            draft_text=draft_text,
            basis_text=basis_text,
            explanation_text=explanation_text,
            profile=ConsultationProfile(profile),
            opens_at=opens,
            closes_at=parse_local(closes_at, "closes_at"),
            shorter_reason=shorter_reason or None,
            publish_at=min(now, opens) if publish_now else None,
        )
        draft = service.create_draft(db, principal, data, calendar, now)
    except (PublisherError, ValueError) as exc:
        db.rollback()
        message = exc.message_zh if isinstance(exc, PublisherError) else "取值不正确"
        code = status_for(exc) if isinstance(exc, PublisherError) else 422
        return _list_page(request, principal, db, now, calendar, code, message, form)
    db.commit()
    return RedirectResponse(f"/staff/consultations/{draft.id}", status_code=303)


def _detail_page(
    request: Request,
    principal: StaffPrincipal,
    db: DbSession,
    draft_id: IdPath,
    now: dt.datetime,
    filter_: service.QueueFilter = service.QueueFilter.ALL,
    status: int = 200,
    error: str | None = None,
    done: str | None = None,
) -> HTMLResponse:
    draft = service.get_draft(db, draft_id)
    return render(
        request,
        "staff/consultations/detail.html",
        principal,
        status=status,
        draft=draft,
        state=service.window_state(draft, now),
        comments=service.comment_queue(db, draft_id, filter_),
        attachments=attachments.list_attachments(db, draft_id),
        human_size=attachments.human_size,
        type_label=attachments.type_label,
        filters=list(service.QueueFilter),
        current=filter_,
        dispositions=list(service.Disposition),
        channels=service.CHANNEL_ZH,
        error=error,
        done=done,
    )


@router.get("/{draft_id}", response_class=HTMLResponse)
def draft_page(
    request: Request,
    draft_id: IdPath,
    principal: Editor,
    db: DbSession,
    now: Now,
    status: service.QueueFilter = service.QueueFilter.ALL,
    done: str = "",
) -> HTMLResponse:
    return _detail_page(request, principal, db, draft_id, now, status, done=done or None)


def _after(
    request: Request,
    principal: StaffPrincipal,
    db: DbSession,
    draft_id: IdPath,
    now: dt.datetime,
    action: Any,
    done: str,
) -> Response:
    try:
        action()
    except PublisherError as exc:
        db.rollback()
        return _detail_page(
            request, principal, db, draft_id, now, status=status_for(exc), error=exc.message_zh
        )
    db.commit()
    return RedirectResponse(f"/staff/consultations/{draft_id}?done={done}", status_code=303)


@router.post("/{draft_id}/publish", response_class=HTMLResponse)
def publish(
    request: Request, draft_id: IdPath, principal: Editor, db: DbSession, now: Now
) -> Response:
    return _after(
        request,
        principal,
        db,
        draft_id,
        now,
        lambda: service.publish_draft(db, principal, draft_id, now),
        "published",
    )


@router.post("/{draft_id}/extend", response_class=HTMLResponse)
def extend(
    request: Request,
    draft_id: IdPath,
    principal: Editor,
    db: DbSession,
    now: Now,
    closes_at: Annotated[str, Form(max_length=40)] = "",
    reason: Annotated[str, Form(max_length=5000)] = "",
) -> Response:
    def act() -> None:
        new_close = parse_local(closes_at, "closes_at")
        service.extend_window(db, principal, draft_id, new_close, reason, now)

    return _after(request, principal, db, draft_id, now, act, "extended")


@router.post("/{draft_id}/attachments", response_class=HTMLResponse)
def add_attachment(
    request: Request,
    draft_id: IdPath,
    principal: Editor,
    db: DbSession,
    settings: SettingsDep,
    now: Now,
    title: Annotated[str, Form(max_length=attachments.MAX_TITLE_CHARS * 2)] = "",
    file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    """The form is multipart; its CSRF token is checked by `require_editor` like any other."""
    return _after(
        request,
        principal,
        db,
        draft_id,
        now,
        lambda: upload_attachment(db, settings, principal, draft_id, title, file, now),
        "attachment",
    )


@router.post("/{draft_id}/answers", response_class=HTMLResponse)
async def answer(
    request: Request,
    draft_id: IdPath,
    principal: Editor,
    db: DbSession,
    settings: SettingsDep,
    now: Now,
) -> Response:
    form = await request.form()
    ids = [
        int(v)
        for v in form.getlist("comment_ids")
        if isinstance(v, str) and v.isdigit() and 1 <= int(v) <= MAX_ID
    ]
    disposition = str(form.get("disposition", ""))
    reason = str(form.get("reason", ""))
    try:
        do_answer(
            db, settings, principal, draft_id, ids, service.Disposition(disposition), reason, now
        )
    except (PublisherError, ValueError) as exc:
        db.rollback()
        message = exc.message_zh if isinstance(exc, PublisherError) else "请选择处理结果。"
        code = status_for(exc) if isinstance(exc, PublisherError) else 422
        return _detail_page(request, principal, db, draft_id, now, status=code, error=message)
    return RedirectResponse(f"/staff/consultations/{draft_id}?done=answered", status_code=303)


@router.post("/{draft_id}/comments/{comment_id}/hide", response_class=HTMLResponse)
def hide(
    request: Request,
    draft_id: IdPath,
    comment_id: IdPath,
    principal: Reviewer,
    db: DbSession,
    now: Now,
    reason: Annotated[str, Form(max_length=2000)] = "",
    hidden: Annotated[str, Form(max_length=5)] = "1",
) -> Response:
    return _after(
        request,
        principal,
        db,
        draft_id,
        now,
        lambda: service.set_hidden(db, principal, draft_id, comment_id, hidden == "1", reason, now),
        "moderated",
    )


@router.post("/{draft_id}/summary", response_class=HTMLResponse)
def publish_summary(
    request: Request,
    draft_id: IdPath,
    principal: Reviewer,
    db: DbSession,
    now: Now,
    outcome_text: Annotated[str, Form(max_length=100_000)] = "",
) -> Response:
    return _after(
        request,
        principal,
        db,
        draft_id,
        now,
        lambda: service.publish_summary(db, principal, draft_id, outcome_text, now),
        "summary",
    )


@router.get("/{draft_id}/comments.csv")
def export_csv(draft_id: IdPath, principal: Reviewer, db: DbSession) -> PlainTextResponse:
    return comments_csv(db, principal, draft_id)
