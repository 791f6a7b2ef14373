"""Staff pages for meeting notices: prepare, publish, move, cancel, review, answer.

Each action is one use case run by `run_staff_action`: 303 back to the notice on success, the
notice page again with the Chinese reason on a refusal (which wrote nothing).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from publisher.errors import PublisherError
from publisher.meetings import applications, exports, history, notices, opinions
from publisher.meetings.models import MeetingNotice
from publisher.meetings.vocabulary import (
    FIELD_LABELS_ZH,
    ApplicationStatus,
    RepresentativeCategory,
)
from publisher.meetings.web.public_pages import sheet_of
from publisher.meetings.web.staff_schemas import NoticeFormData
from publisher.rules.predisclosure import NOTICE_RULES, MeetingKind
from publisher.rules.rulebook import RuleBook
from publisher.staff.principal import StaffPrincipal
from publisher.staff.roles import Role
from publisher.web.actions import run_staff_action
from publisher.web.auth import Editor, Reviewer
from publisher.web.deps import DbSession, IdField, IdPath, Now, Rules
from publisher.web.forms import parse_local_datetime, require_confirmation
from publisher.web.printing import pdf_response, press_page
from publisher.web.render import render
from publisher.web.responses import csv_download

router = APIRouter(prefix="/staff/meetings", tags=["meeting staff pages"], include_in_schema=False)


def _list(
    request: Request,
    principal: StaffPrincipal,
    db: DbSession,
    rules: RuleBook,
    status: int = 200,
    **extra: Any,
) -> HTMLResponse:
    return render(
        request,
        "staff/meetings/list.html",
        principal,
        status=status,
        notices=notices.all_notices(db),
        kinds=list(MeetingKind),
        leads=[(kind, rules.leads[kind], NOTICE_RULES[kind].fixed_by_rule) for kind in MeetingKind],
        counting_zh=rules.notice_counting.basis("notice", rules.workday_starts)[0],
        **extra,
    )


@router.get("", response_class=HTMLResponse)
def meetings_staff_page(
    request: Request, principal: Editor, db: DbSession, rules: Rules
) -> HTMLResponse:
    return _list(request, principal, db, rules)


def _detail(
    request: Request,
    principal: StaffPrincipal,
    db: DbSession,
    notice: MeetingNotice,
    now: dt.datetime,
    rules: RuleBook,
    status: int = 200,
    *,
    pending_only: bool = False,
    waiting_only: bool = False,
    **extra: Any,
) -> HTMLResponse:
    try:
        deadline = notices.publication_deadline(notice, rules)
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
        missing=notices.missing_for_publication(notice),
        kinds=list(MeetingKind),
        categories=RepresentativeCategory.labels_zh(),
        statuses=ApplicationStatus.labels_zh(),
        applications=(
            applications.list_applications(db, notice.id, pending_only=pending_only)
            if reviewer
            else []
        ),
        pending_only=pending_only,
        reviewer=reviewer,
        opinions=opinions.list_opinions(db, notice.id, waiting_only=waiting_only),
        waiting_only=waiting_only,
        # who may have an opinion recorded for them (第七条: attending representatives)
        representatives=applications.list_applications(db, notice.id, approved_only=True),
        labels=FIELD_LABELS_ZH,
        revisions=[
            (r, history.change_lines_zh(history.revision_changes(r))) for r in notice.revisions
        ],
        **extra,
    )


def _act(
    request: Request,
    principal: StaffPrincipal,
    db: DbSession,
    meeting_id: int,
    now: dt.datetime,
    rules: RuleBook,
    action: Callable[[], object],
    done: str,
) -> Response:
    def refused(status: int, message_zh: str) -> Response:
        notice = notices.get_notice(db, meeting_id)
        return _detail(request, principal, db, notice, now, rules, status=status, error=message_zh)

    return run_staff_action(action, f"/staff/meetings/{meeting_id}?done={done}", refused)


@router.post("", response_class=HTMLResponse)
def create_notice_form(
    request: Request,
    principal: Editor,
    db: DbSession,
    now: Now,
    rules: Rules,
    form: NoticeFormData,
) -> Response:
    def refused(status: int, message_zh: str) -> Response:
        return _list(request, principal, db, rules, status=status, error=message_zh)

    return run_staff_action(
        lambda: notices.create_notice(db, principal, form.draft(), now, rules),
        lambda notice: f"/staff/meetings/{notice.id}?done=created",
        refused,
    )


@router.get("/{meeting_id}", response_class=HTMLResponse)
def meeting_staff_page(
    meeting_id: IdPath,
    request: Request,
    principal: Editor,
    db: DbSession,
    now: Now,
    rules: Rules,
    applications: Literal["", "pending"] = "",
    opinions: Literal["", "waiting"] = "",
) -> HTMLResponse:
    """`?applications=pending` and `?opinions=waiting` narrow the lists (the work queue's links)."""
    notice = notices.get_notice(db, meeting_id)
    return _detail(
        request,
        principal,
        db,
        notice,
        now,
        rules,
        pending_only=applications == "pending",
        waiting_only=opinions == "waiting",
    )


@router.get("/{meeting_id}/press", response_class=HTMLResponse)
def meeting_press_page(
    meeting_id: IdPath, request: Request, principal: Editor, db: DbSession
) -> HTMLResponse:
    """The press kit: the notice's text for newspapers and WeChat, and its A4 PDF."""
    sheet = sheet_of(request, notices.get_notice(db, meeting_id))
    back = f"/staff/meetings/{meeting_id}"
    return press_page(request, principal, sheet, f"{back}/press.pdf", back)


@router.get("/{meeting_id}/press.pdf")
def meeting_press_pdf(
    meeting_id: IdPath, request: Request, principal: Editor, db: DbSession
) -> Response:
    """The A4 PDF of a notice, published or not yet (to print ahead of the day)."""
    notice = notices.get_notice(db, meeting_id)
    return pdf_response(request, sheet_of(request, notice), f"meeting-{notice.id}.pdf")


@router.post("/{meeting_id}", response_class=HTMLResponse)
def edit_notice_form(
    meeting_id: IdPath,
    request: Request,
    principal: Editor,
    db: DbSession,
    now: Now,
    rules: Rules,
    form: NoticeFormData,
) -> Response:
    def action() -> object:
        return notices.update_notice(
            db, principal, meeting_id, form.fields(), now, rules, form.reason
        )

    return _act(request, principal, db, meeting_id, now, rules, action, "updated")


@router.post("/{meeting_id}/publish", response_class=HTMLResponse)
def publish_notice_form(
    meeting_id: IdPath,
    request: Request,
    principal: Editor,
    db: DbSession,
    now: Now,
    rules: Rules,
    publication_at: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    def action() -> object:
        when = parse_local_datetime(publication_at, "publication_at", "发布时间")
        return notices.publish_notice(db, principal, meeting_id, when, now, rules)

    return _act(request, principal, db, meeting_id, now, rules, action, "published")


@router.post("/{meeting_id}/cancel", response_class=HTMLResponse)
def cancel_notice_form(
    meeting_id: IdPath,
    request: Request,
    principal: Editor,
    db: DbSession,
    now: Now,
    rules: Rules,
    reason: Annotated[str, Form(max_length=2000)],
    confirm: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    def action() -> object:
        require_confirmation(confirm, "cancelling", "取消会议")
        return notices.cancel_notice(db, principal, meeting_id, reason, now)

    return _act(request, principal, db, meeting_id, now, rules, action, "cancelled")


@router.post("/{meeting_id}/withdraw", response_class=HTMLResponse)
def withdraw_notice_form(
    meeting_id: IdPath,
    request: Request,
    principal: Editor,
    db: DbSession,
    now: Now,
    rules: Rules,
    reason: Annotated[str, Form(max_length=2000)] = "",
    confirm: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    def action() -> object:
        require_confirmation(confirm, "withdrawing", "撤回预告")
        return notices.withdraw_notice(db, principal, meeting_id, reason, now)

    return _act(request, principal, db, meeting_id, now, rules, action, "withdrawn")


@router.post("/{meeting_id}/applications/{application_id}/decision", response_class=HTMLResponse)
def decide_application_form(
    meeting_id: IdPath,
    application_id: IdPath,
    request: Request,
    principal: Reviewer,
    db: DbSession,
    now: Now,
    rules: Rules,
    decision: Annotated[str, Form(pattern="^(approve|decline)$")],
    note: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    def action() -> object:
        return applications.decide_application(
            db,
            principal,
            meeting_id,
            application_id,
            decision == "approve",
            note,
            now,
        )

    return _act(request, principal, db, meeting_id, now, rules, action, "decided")


@router.get("/{meeting_id}/applications.csv")
def export_applications_page(meeting_id: IdPath, principal: Reviewer, db: DbSession) -> Response:
    body = exports.export_applications(db, principal, meeting_id)
    return csv_download(body, f"meeting-{meeting_id}-applications.csv")


@router.post("/{meeting_id}/opinions", response_class=HTMLResponse)
def record_opinion_form(
    meeting_id: IdPath,
    request: Request,
    principal: Editor,
    db: DbSession,
    now: Now,
    rules: Rules,
    application_id: Annotated[IdField, Form()],
    body: Annotated[str, Form(max_length=5000)],
    publish_answer: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    def action() -> object:
        return opinions.record_opinion_by_staff(
            db, principal, meeting_id, application_id, body, now, None, bool(publish_answer)
        )

    return _act(request, principal, db, meeting_id, now, rules, action, "opinion")


@router.post("/{meeting_id}/opinions/{opinion_id}/assign", response_class=HTMLResponse)
def assign_opinion_form(
    meeting_id: IdPath,
    opinion_id: IdPath,
    request: Request,
    principal: Editor,
    db: DbSession,
    now: Now,
    rules: Rules,
    department: Annotated[str, Form(max_length=200)],
    note: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    def action() -> object:
        return opinions.assign_opinion(db, principal, meeting_id, opinion_id, department, note, now)

    return _act(request, principal, db, meeting_id, now, rules, action, "assigned")


@router.post("/{meeting_id}/opinions/{opinion_id}/answer", response_class=HTMLResponse)
def answer_opinion_form(
    meeting_id: IdPath,
    opinion_id: IdPath,
    request: Request,
    principal: Editor,
    db: DbSession,
    now: Now,
    rules: Rules,
    answer: Annotated[str, Form(max_length=10000)],
) -> Response:
    def action() -> object:
        return opinions.answer_opinion(db, principal, meeting_id, opinion_id, answer, now)

    return _act(request, principal, db, meeting_id, now, rules, action, "answered")
