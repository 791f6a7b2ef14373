"""Staff pages for consultations (cookie session + CSRF): drafts, window, queue, answers.

Each action is one use case run by `run_staff_action`: 303 back to the draft on success, the
page again with the Chinese reason on a refusal (which wrote nothing).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from consultation import (
    answers,
    attachments,
    comment_attachments,
    comments,
    drafts,
    exports,
    summary,
)
from consultation.models import ConsultationDraft
from consultation.vocabulary import Channel, Disposition, QueueFilter
from publisher.errors import PublisherError, ValidationFailed
from publisher.rules.deadline import Deadline
from publisher.rules.predisclosure import ConsultationProfile
from publisher.rules.rulebook import RuleBook
from publisher.staff.principal import StaffPrincipal
from publisher.web.actions import run_staff_action
from publisher.web.auth import Editor, Reviewer
from publisher.web.deps import MAX_ID, Blobs, DbSession, IdPath, Now, Rules, SettingsDep, rule_book
from publisher.web.forms import checked, read_upload, require_local_datetime
from publisher.web.render import render
from publisher.web.responses import csv_download

router = APIRouter(prefix="/staff/consultations", include_in_schema=False)


def _list_page(
    request: Request,
    principal: StaffPrincipal,
    db: DbSession,
    now: dt.datetime,
    rules: RuleBook,
    status: int = 200,
    error: str | None = None,
    form: dict[str, str] | None = None,
) -> HTMLResponse:
    form = form or {}
    earliest: dict[str, str] = {}
    if form.get("opens_at"):
        try:
            opens = require_local_datetime(form["opens_at"], "opens_at", "征求意见开始时间")
            for p in ConsultationProfile:
                earliest[p.value] = drafts.earliest_close(opens, p, rules).render_zh()
        except PublisherError as exc:
            earliest["error"] = exc.message_zh
    return render(
        request,
        "staff/consultations/list.html",
        principal,
        status=status,
        drafts=drafts.list_drafts(db),
        state_of=lambda d: drafts.window_state(d, now),
        profiles=list(ConsultationProfile),
        error=error,
        form=form,
        earliest=earliest,
    )


@router.get("", response_class=HTMLResponse)
def consultations_staff_page(
    request: Request,
    principal: Editor,
    db: DbSession,
    now: Now,
    rules: Rules,
    opens_at: str = "",
) -> HTMLResponse:
    """`?opens_at=` shows the earliest lawful close for each profile before filling the form."""
    return _list_page(request, principal, db, now, rules, form={"opens_at": opens_at})


@router.post("", response_class=HTMLResponse)
def create_draft_form(
    request: Request,
    principal: Editor,
    db: DbSession,
    now: Now,
    rules: Rules,
    title: Annotated[str, Form(max_length=300)] = "",
    department: Annotated[str, Form(max_length=200)] = "",
    draft_text: Annotated[str, Form(max_length=200_000)] = "",
    basis_text: Annotated[str, Form(max_length=100_000)] = "",
    explanation_text: Annotated[str, Form(max_length=100_000)] = "",
    profile: Annotated[ConsultationProfile, Form()] = ConsultationProfile.CITY,
    opens_at: Annotated[str, Form(max_length=40)] = "",
    closes_at: Annotated[str, Form(max_length=40)] = "",
    shorter_reason: Annotated[str, Form(max_length=5000)] = "",
    publish_now: Annotated[str, Form(max_length=10)] = "",
    secret_by_law: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    form = {
        "title": title,
        "department": department,
        "draft_text": draft_text,
        "basis_text": basis_text,
        "explanation_text": explanation_text,
        "profile": profile.value,
        "opens_at": opens_at,
        "closes_at": closes_at,
        "shorter_reason": shorter_reason,
        "secret_by_law": "1" if checked(secret_by_law) else "",
    }

    def action() -> ConsultationDraft:
        opens = require_local_datetime(opens_at, "opens_at", "征求意见开始时间")
        data = drafts.DraftInput(
            title=title,
            department=department,
            draft_text=draft_text,
            basis_text=basis_text,
            explanation_text=explanation_text,
            profile=profile,
            opens_at=opens,
            closes_at=require_local_datetime(closes_at, "closes_at", "征求意见截止时间"),
            shorter_reason=shorter_reason or None,
            publish_at=min(now, opens) if checked(publish_now) else None,
            secret_by_law=checked(secret_by_law),  # 第四条: never published
        )
        return drafts.create_draft(db, principal, data, rules, now)

    def refused(status: int, message_zh: str) -> Response:
        return _list_page(request, principal, db, now, rules, status, message_zh, form)

    return run_staff_action(action, lambda draft: f"/staff/consultations/{draft.id}", refused)


def _detail_page(
    request: Request,
    principal: StaffPrincipal,
    db: DbSession,
    draft_id: int,
    now: dt.datetime,
    filter_: QueueFilter = QueueFilter.ALL,
    status: int = 200,
    error: str | None = None,
    done: str | None = None,
) -> HTMLResponse:
    draft = drafts.get_draft(db, draft_id)
    # the earliest lawful close as the rules stand today (a late-December one is provisional)
    earliest: Deadline | None = None
    earliest_error: str | None = None
    try:
        profile = ConsultationProfile(draft.profile)
        earliest = drafts.earliest_close(draft.opens_at, profile, rule_book(request))
    except PublisherError as exc:
        earliest_error = exc.message_zh
    return render(
        request,
        "staff/consultations/detail.html",
        principal,
        status=status,
        draft=draft,
        earliest=earliest,
        earliest_error=earliest_error,
        state=drafts.window_state(draft, now),
        comments=comments.comment_queue(db, draft_id, filter_),
        file_counts=comment_attachments.counts_by_comment(db, draft_id),
        attachments=attachments.list_attachments(db, draft_id),
        human_size=attachments.human_size,
        type_label=attachments.type_label,
        filters=list(QueueFilter),
        current=filter_,
        dispositions=list(Disposition),
        channels=Channel.labels_zh(),
        error=error,
        done=done,
    )


@router.get("/{draft_id}", response_class=HTMLResponse)
def consultation_staff_page(
    request: Request,
    draft_id: IdPath,
    principal: Editor,
    db: DbSession,
    now: Now,
    status: QueueFilter = QueueFilter.ALL,
    done: str = "",
) -> HTMLResponse:
    return _detail_page(request, principal, db, draft_id, now, status, done=done or None)


def _act(
    request: Request,
    principal: StaffPrincipal,
    db: DbSession,
    draft_id: int,
    now: dt.datetime,
    action: Callable[[], object],
    done: str,
) -> Response:
    def refused(status: int, message_zh: str) -> Response:
        return _detail_page(request, principal, db, draft_id, now, status=status, error=message_zh)

    return run_staff_action(action, f"/staff/consultations/{draft_id}?done={done}", refused)


@router.post("/{draft_id}/publish", response_class=HTMLResponse)
def publish_draft_form(
    request: Request, draft_id: IdPath, principal: Editor, db: DbSession, now: Now
) -> Response:
    def action() -> object:
        return drafts.publish_draft(db, principal, draft_id, now)

    return _act(request, principal, db, draft_id, now, action, "published")


@router.post("/{draft_id}/extend", response_class=HTMLResponse)
def extend_window_form(
    request: Request,
    draft_id: IdPath,
    principal: Editor,
    db: DbSession,
    now: Now,
    closes_at: Annotated[str, Form(max_length=40)] = "",
    reason: Annotated[str, Form(max_length=5000)] = "",
) -> Response:
    def action() -> object:
        new_close = require_local_datetime(closes_at, "closes_at", "新的截止时间")
        return drafts.extend_window(db, principal, draft_id, new_close, reason, now)

    return _act(request, principal, db, draft_id, now, action, "extended")


@router.post("/{draft_id}/attachments", response_class=HTMLResponse)
def add_attachment_form(
    request: Request,
    draft_id: IdPath,
    principal: Editor,
    db: DbSession,
    settings: SettingsDep,
    blobs: Blobs,
    now: Now,
    title: Annotated[str, Form(max_length=attachments.MAX_TITLE_CHARS * 2)] = "",
    file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    """The form is multipart; its CSRF token is checked by `require_editor` like any other."""

    def action() -> object:
        filename, data = read_upload(file, settings.max_upload_bytes)
        return attachments.add_attachment(
            db,
            principal,
            draft_id,
            title,
            filename,
            data,
            blobs=blobs,
            max_bytes=settings.max_upload_bytes,
            now=now,
        )

    return _act(request, principal, db, draft_id, now, action, "attachment")


@router.post("/{draft_id}/answers", response_class=HTMLResponse)
def answer_comments_form(
    request: Request,
    draft_id: IdPath,
    principal: Editor,
    db: DbSession,
    now: Now,
    comment_ids: Annotated[list[str], Form(max_length=20)] = [],  # noqa: B006
    disposition: Annotated[str, Form(max_length=40)] = "",
    reason: Annotated[str, Form(max_length=10_000)] = "",
) -> Response:
    ids = [int(v) for v in comment_ids if v.isdigit() and 1 <= int(v) <= MAX_ID]

    def action() -> object:
        if disposition not in Disposition.labels_zh():
            raise ValidationFailed("Choose a disposition.", "请选择处理结果。", field="disposition")
        return answers.answer_comments(
            db,
            principal,
            draft_id,
            ids,
            Disposition(disposition),
            reason,
            now,
        )

    return _act(request, principal, db, draft_id, now, action, "answered")


@router.post("/{draft_id}/comments/{comment_id}/hide", response_class=HTMLResponse)
def hide_comment_form(
    request: Request,
    draft_id: IdPath,
    comment_id: IdPath,
    principal: Reviewer,
    db: DbSession,
    now: Now,
    reason: Annotated[str, Form(max_length=2000)] = "",
    hidden: Annotated[str, Form(max_length=5)] = "1",
) -> Response:
    def action() -> object:
        return comments.set_hidden(db, principal, draft_id, comment_id, hidden == "1", reason, now)

    return _act(request, principal, db, draft_id, now, action, "moderated")


@router.post("/{draft_id}/summary", response_class=HTMLResponse)
def publish_summary_form(
    request: Request,
    draft_id: IdPath,
    principal: Reviewer,
    db: DbSession,
    now: Now,
    outcome_text: Annotated[str, Form(max_length=100_000)] = "",
) -> Response:
    def action() -> object:
        return summary.publish_summary(db, principal, draft_id, outcome_text, now)

    return _act(request, principal, db, draft_id, now, action, "summary")


@router.get("/{draft_id}/comments.csv")
def export_comments_page(draft_id: IdPath, principal: Reviewer, db: DbSession) -> Response:
    body = exports.export_comments(db, principal, draft_id)
    return csv_download(body, f"consultation-{draft_id}-comments.csv")
