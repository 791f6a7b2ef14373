"""Staff JSON API of meetings: prepare, publish, move and cancel notices; decide applications;
record, assign and answer representatives' opinions. Thin: each route calls one use case."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from publisher.meetings import applications, exports, notices, opinions
from publisher.meetings.web.staff_schemas import (
    AnswerIn,
    AssignIn,
    CancelIn,
    DecisionIn,
    NoticeIn,
    NoticePatch,
    PublishIn,
    StaffApplicationOut,
    StaffNoticeOut,
    StaffOpinionIn,
    StaffOpinionOut,
    WithdrawIn,
)
from publisher.web.auth import Editor, Reviewer
from publisher.web.deps import DbSession, IdPath, Now, Rules
from publisher.web.openapi import error_responses, media_responses
from publisher.web.responses import PagingDep, csv_download

router = APIRouter(prefix="/api/v1/staff/meetings", tags=["staff: meetings"])


@router.get("", response_model=list[StaffNoticeOut])
def staff_list_meetings(
    _: Editor, db: DbSession, now: Now, rules: Rules, paging: PagingDep
) -> list[StaffNoticeOut]:
    """Every notice, drafts included, with the rule checks staff see; paged."""
    return [StaffNoticeOut.of(n, now, rules) for n in paging.take(notices.all_notices(db))]


@router.post("", response_model=StaffNoticeOut, status_code=201)
def create_notice(
    body: NoticeIn, principal: Editor, db: DbSession, now: Now, rules: Rules
) -> StaffNoticeOut:
    """A new draft notice; the pre-disclosure rule is checked when it is published."""
    draft = notices.NoticeDraft(**body.model_dump())
    notice = notices.create_notice(db, principal, draft, now, rules)
    return StaffNoticeOut.of(notice, now, rules)


@router.get("/{meeting_id}", response_model=StaffNoticeOut)
def staff_get_meeting(
    meeting_id: IdPath, _: Editor, db: DbSession, now: Now, rules: Rules
) -> StaffNoticeOut:
    """One notice, drafts included, with its rule checks."""
    return StaffNoticeOut.of(notices.get_notice(db, meeting_id), now, rules)


@router.patch("/{meeting_id}", response_model=StaffNoticeOut, responses=error_responses(409))
def update_notice(
    meeting_id: IdPath,
    body: NoticePatch,
    principal: Editor,
    db: DbSession,
    now: Now,
    rules: Rules,
) -> StaffNoticeOut:
    """Change a notice; once published, a change to the time or place is kept in
    its public history with the reason. 409 when it is cancelled or withdrawn."""
    changes = body.model_dump(exclude_unset=True)
    reason = changes.pop("reason", "")
    notice = notices.update_notice(db, principal, meeting_id, changes, now, rules, reason)
    return StaffNoticeOut.of(notice, now, rules)


@router.post("/{meeting_id}/publish", response_model=StaffNoticeOut, responses=error_responses(409))
def publish_notice(
    meeting_id: IdPath,
    body: PublishIn,
    principal: Editor,
    db: DbSession,
    now: Now,
    rules: Rules,
) -> StaffNoticeOut:
    """Publish a draft at `publication_at` (now when absent), if the lead time the
    rules require is met; 409 when it is already public."""
    notice = notices.publish_notice(db, principal, meeting_id, body.publication_at, now, rules)
    return StaffNoticeOut.of(notice, now, rules)


@router.post("/{meeting_id}/cancel", response_model=StaffNoticeOut, responses=error_responses(409))
def cancel_notice(
    meeting_id: IdPath,
    body: CancelIn,
    principal: Editor,
    db: DbSession,
    now: Now,
    rules: Rules,
) -> StaffNoticeOut:
    """Cancel a meeting with a public reason; 409 when already cancelled or withdrawn."""
    notice = notices.cancel_notice(db, principal, meeting_id, body.reason, now)
    return StaffNoticeOut.of(notice, now, rules)


@router.post(
    "/{meeting_id}/withdraw", response_model=StaffNoticeOut, responses=error_responses(409)
)
def withdraw_notice(
    meeting_id: IdPath,
    body: WithdrawIn,
    principal: Editor,
    db: DbSession,
    now: Now,
    rules: Rules,
) -> StaffNoticeOut:
    """Take a published notice down; its title, the moment and the reason stay public."""
    notice = notices.withdraw_notice(db, principal, meeting_id, body.reason, now)
    return StaffNoticeOut.of(notice, now, rules)


@router.get("/{meeting_id}/applications", response_model=list[StaffApplicationOut])
def list_applications(
    meeting_id: IdPath, _: Reviewer, db: DbSession, paging: PagingDep
) -> list[StaffApplicationOut]:
    """Every attendance application to the meeting, with contact details; paged."""
    found = applications.list_applications(db, meeting_id)
    return [StaffApplicationOut.of(a) for a in paging.take(found)]


@router.get(
    "/{meeting_id}/applications.csv",
    response_class=Response,
    responses=media_responses("text/csv", "The applications as CSV (UTF-8 with BOM)."),
)
def export_applications(meeting_id: IdPath, principal: Reviewer, db: DbSession) -> Response:
    """The applications as a CSV download (audited: it holds personal data)."""
    body = exports.export_applications(db, principal, meeting_id)
    return csv_download(body, f"meeting-{meeting_id}-applications.csv")


@router.post(
    "/{meeting_id}/applications/{application_id}/decision",
    response_model=StaffApplicationOut,
    responses=error_responses(409),
)
def decide_application(
    meeting_id: IdPath,
    application_id: IdPath,
    body: DecisionIn,
    principal: Reviewer,
    db: DbSession,
    now: Now,
) -> StaffApplicationOut:
    """Approve or refuse an application; the applicant is e-mailed. 409 when
    no place is left to approve."""
    application = applications.decide_application(
        db, principal, meeting_id, application_id, body.approve, body.note, now
    )
    return StaffApplicationOut.of(application)


@router.get("/{meeting_id}/opinions", response_model=list[StaffOpinionOut])
def list_opinions(
    meeting_id: IdPath, _: Editor, db: DbSession, paging: PagingDep
) -> list[StaffOpinionOut]:
    """Representatives' opinions on the meeting, with their handling; paged."""
    return [StaffOpinionOut.of(o) for o in paging.take(opinions.list_opinions(db, meeting_id))]


@router.post("/{meeting_id}/opinions", response_model=StaffOpinionOut, status_code=201)
def record_opinion_by_staff(
    meeting_id: IdPath, body: StaffOpinionIn, principal: Editor, db: DbSession, now: Now
) -> StaffOpinionOut:
    """Record an opinion received on paper or by phone for an application."""
    opinion = opinions.record_opinion_by_staff(
        db,
        principal,
        meeting_id,
        body.application_id,
        body.body,
        now,
        body.agenda_item_id,
        body.publish_answer,
    )
    return StaffOpinionOut.of(opinion)


@router.post("/{meeting_id}/opinions/{opinion_id}/assign", response_model=StaffOpinionOut)
def assign_opinion(
    meeting_id: IdPath,
    opinion_id: IdPath,
    body: AssignIn,
    principal: Editor,
    db: DbSession,
    now: Now,
) -> StaffOpinionOut:
    """Hand an opinion to the department that will answer it."""
    opinion = opinions.assign_opinion(
        db, principal, meeting_id, opinion_id, body.department, body.note, now
    )
    return StaffOpinionOut.of(opinion)


@router.post("/{meeting_id}/opinions/{opinion_id}/answer", response_model=StaffOpinionOut)
def answer_opinion(
    meeting_id: IdPath,
    opinion_id: IdPath,
    body: AnswerIn,
    principal: Editor,
    db: DbSession,
    now: Now,
) -> StaffOpinionOut:
    """Record the answer to an opinion; it appears in the representative's status."""
    opinion = opinions.answer_opinion(db, principal, meeting_id, opinion_id, body.answer, now)
    return StaffOpinionOut.of(opinion)
