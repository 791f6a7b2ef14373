"""Representatives' opinions (第七–八条): recorded, assigned to a department (交办), answered.

The representative records an opinion with their receipt code, or staff record it for them;
the answer is visible to the representative by the same code, and assignment and answer are
told to the representative through the outbox when the application has contact details.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from publisher.errors import NotFound, RuleViolation, ValidationFailed
from publisher.meetings.applications import find_application, get_application
from publisher.meetings.models import AgendaItem, MeetingApplication, RepresentativeOpinion
from publisher.meetings.notify import tell_applicant
from publisher.meetings.vocabulary import ApplicationStatus
from publisher.receipts import find_by_receipt
from publisher.staff import audit
from publisher.staff.principal import StaffPrincipal
from publisher.storage.db import unit_of_work, write_unit
from publisher.throttle import limits
from publisher.throttle.limits import Limit


def _record(
    session: Session,
    application: MeetingApplication,
    body: str,
    now: dt.datetime,
    by: str,
    agenda_item_id: int | None = None,
    publish_answer: bool = False,
) -> RepresentativeOpinion:
    if application.status != ApplicationStatus.APPROVED.value:
        raise RuleViolation(
            "Only approved representatives may record opinions.",
            "只有获准列席的代表才能提交意见建议。",
        )
    text = body.strip()
    if not text:
        raise ValidationFailed("The opinion is empty.", "意见建议不能为空。", field="body")
    if agenda_item_id is not None:
        item = session.get(AgendaItem, agenda_item_id)
        if item is None or item.notice_id != application.notice_id:
            raise ValidationFailed(
                "The agenda item named is not one of this meeting's.",
                "所选议题不属于本次会议。",
                field="agenda_item_id",
            )
    opinion = RepresentativeOpinion(
        application_id=application.id,
        body=text,
        recorded_by=by,
        created_at=now,
        agenda_item_id=agenda_item_id,
        publish_answer=publish_answer,
    )
    session.add(opinion)
    session.flush()
    return opinion


#: opinions one representative may send a day (staff may record more for them)
OPINIONS_PER_REPRESENTATIVE = Limit(
    scope="opinion.application",
    max_hits=10,
    window=dt.timedelta(days=1),
    what_en="opinions from this representative",
    what_zh="同一回执码提交意见建议",
    hint_zh="您写好的内容不会丢失，可先复制保存。",
)
#: and one address, across receipt codes
OPINIONS_PER_ADDRESS = Limit(
    scope="opinion.address",
    max_hits=20,
    window=dt.timedelta(hours=1),
    what_en="opinions from this address",
    what_zh="同一网络地址提交意见建议",
    hint_zh="您写好的内容不会丢失，可先复制保存。",
)


def record_opinion_by_receipt(
    session: Session,
    receipt_code: str,
    body: str,
    now: dt.datetime,
    *,
    requester: str,
    agenda_item_id: int | None = None,
    publish_answer: bool = False,
) -> RepresentativeOpinion:
    """A representative's own opinion, by receipt code: misses counted per address, then
    limited per representative and per address, in one unit of work."""
    application_id = find_by_receipt(
        session, requester, now, lambda: find_application(session, receipt_code).id
    )
    with write_unit(session):
        limits.take(session, OPINIONS_PER_ADDRESS, requester, now)
        limits.take(session, OPINIONS_PER_REPRESENTATIVE, str(application_id), now)
        application = session.get(MeetingApplication, application_id)
        if application is None:  # applications are never deleted; a guard for the type
            raise NotFound("No application has this receipt code.", "未找到该回执码对应的申请。")
        return _record(
            session, application, body, now, "representative", agenda_item_id, publish_answer
        )


@unit_of_work
def record_opinion_by_staff(
    session: Session,
    principal: StaffPrincipal,
    notice_id: int,
    application_id: int,
    body: str,
    now: dt.datetime,
    agenda_item_id: int | None = None,
    publish_answer: bool = False,
) -> RepresentativeOpinion:
    """Staff record an opinion given on paper or by phone; the representative's consent to a
    public answer, if they gave it, is recorded on their word and audited."""
    application = get_application(session, notice_id, application_id)
    opinion = _record(
        session, application, body, now, principal.username, agenda_item_id, publish_answer
    )
    audit.record(
        session,
        principal,
        "meeting.opinion.record",
        "meeting_opinion",
        opinion.id,
        application_id=application.id,
        publish_answer=publish_answer,
    )
    return opinion


def list_opinions(
    session: Session, notice_id: int, *, waiting_only: bool = False
) -> Sequence[RepresentativeOpinion]:
    """A meeting's opinions; `waiting_only`: assigned and not answered (the work queue's)."""
    query = (
        select(RepresentativeOpinion)
        .join(MeetingApplication)
        .where(MeetingApplication.notice_id == notice_id)
    )
    if waiting_only:
        query = query.where(
            RepresentativeOpinion.assigned_at.is_not(None),
            RepresentativeOpinion.answered_at.is_(None),
        )
    return session.scalars(query.order_by(RepresentativeOpinion.id)).all()


def _get_opinion(session: Session, notice_id: int, opinion_id: int) -> RepresentativeOpinion:
    opinion = session.get(RepresentativeOpinion, opinion_id)
    if opinion is None or opinion.application.notice_id != notice_id:
        raise NotFound(f"opinion {opinion_id} not found", f"未找到编号为{opinion_id}的意见")
    return opinion


@unit_of_work
def assign_opinion(
    session: Session,
    principal: StaffPrincipal,
    notice_id: int,
    opinion_id: int,
    department: str,
    note: str,
    now: dt.datetime,
) -> RepresentativeOpinion:
    """交办: hand the opinion to a department for handling."""
    if not department.strip():
        raise ValidationFailed("Name the department.", "请填写承办单位。", field="department")
    opinion = _get_opinion(session, notice_id, opinion_id)
    opinion.department = department.strip()
    opinion.assignment_note = note.strip()
    opinion.assigned_at = now
    audit.record(
        session,
        principal,
        "meeting.opinion.assign",
        "meeting_opinion",
        opinion.id,
        department=opinion.department,
    )
    tell_applicant(
        session,
        opinion.application,
        "meeting.opinion.assigned",
        now,
        department=opinion.department,
    )
    return opinion


@unit_of_work
def answer_opinion(
    session: Session,
    principal: StaffPrincipal,
    notice_id: int,
    opinion_id: int,
    answer: str,
    now: dt.datetime,
) -> RepresentativeOpinion:
    """第八条: answer the representative; visible to them by receipt code."""
    if not answer.strip():
        raise ValidationFailed("The answer is empty.", "答复内容不能为空。", field="answer")
    opinion = _get_opinion(session, notice_id, opinion_id)
    opinion.answer = answer.strip()
    opinion.answered_at = now
    opinion.answered_by = principal.username
    audit.record(session, principal, "meeting.opinion.answer", "meeting_opinion", opinion.id)
    tell_applicant(
        session, opinion.application, "meeting.opinion.answered", now, answer=opinion.answer
    )
    return opinion
