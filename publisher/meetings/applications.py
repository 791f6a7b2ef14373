"""Attendance applications (参会申请, 第五–六条): the public applies, the office decides.

Intake takes one write unit: lock the notice, check the window, capacity and duplicates,
insert, commit; the receipt code is only shown once the row is durable. Deciding tells the
applicant by e-mail after the commit, when they gave an address.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from publisher.contact import normalise_email, normalise_phone
from publisher.errors import Conflict, NotFound, RuleViolation, ValidationFailed
from publisher.mail import Mailer
from publisher.meetings.models import MeetingApplication, MeetingNotice
from publisher.meetings.notices import get_notice
from publisher.meetings.vocabulary import (
    ApplicationStatus,
    NoticeStatus,
    RepresentativeCategory,
)
from publisher.receipts import new_receipt_code, normalise_receipt_code
from publisher.staff import audit
from publisher.staff.principal import StaffPrincipal
from publisher.storage.db import unit_of_work, write_unit
from publisher.timeutil import format_local


@dataclass
class ApplicationInput:
    applicant_name: str
    phone: str
    category: RepresentativeCategory
    statement: str = ""
    email: str | None = None


def application_closes_at(notice: MeetingNotice) -> dt.datetime | None:
    return notice.application_deadline or notice.starts_at


def applications_open(notice: MeetingNotice, now: dt.datetime) -> bool:
    closes = application_closes_at(notice)
    return (
        notice.is_public(now)
        and notice.status == NoticeStatus.SCHEDULED.value
        and notice.capacity > 0
        and closes is not None
        and now <= closes
    )


def _taken(session: Session, notice_id: int) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(MeetingApplication)
            .where(
                MeetingApplication.notice_id == notice_id,
                MeetingApplication.status != ApplicationStatus.DECLINED.value,
            )
        )
        or 0
    )


def places_left(session: Session, notice: MeetingNotice) -> int:
    return max(0, notice.capacity - _taken(session, notice.id))


def apply_to_attend(
    session: Session, notice_id: int, data: ApplicationInput, now: dt.datetime
) -> MeetingApplication:
    """Take an application in one write unit: lock the notice, check window, capacity and
    duplicates, insert, commit. The receipt code is only shown after this returns."""
    name = data.applicant_name.strip()
    if not name:
        raise ValidationFailed("Your name is required.", "请填写姓名。", field="applicant_name")
    phone = normalise_phone(data.phone)
    email = normalise_email(data.email)
    category = RepresentativeCategory(data.category)
    try:
        with write_unit(session):
            notice = session.scalar(
                select(MeetingNotice).where(MeetingNotice.id == notice_id).with_for_update()
            )
            if notice is None or not notice.is_public(now):
                raise NotFound(f"meeting {notice_id} not found", f"未找到编号为{notice_id}的会议")
            if notice.status != NoticeStatus.SCHEDULED.value:
                raise RuleViolation(
                    "The meeting is cancelled; applications are closed.",
                    "该会议已取消，不再接受参会申请。",
                )
            closes = application_closes_at(notice)
            if notice.capacity <= 0 or closes is None:
                raise RuleViolation(
                    "This meeting does not take applications from the public.",
                    "本次会议不接受社会公众参会申请。",
                )
            if now > closes:
                raise RuleViolation(
                    f"Applications closed at {format_local(closes)} (Asia/Shanghai).",
                    f"参会申请已于{format_local(closes)}截止。",
                    closed_at=closes.isoformat(),
                )
            duplicate = session.scalar(
                select(MeetingApplication.id).where(
                    MeetingApplication.notice_id == notice.id, MeetingApplication.phone == phone
                )
            )
            if duplicate is not None:
                raise _duplicate()
            if _taken(session, notice.id) >= notice.capacity:
                raise Conflict(
                    "All places for the public are taken.",
                    "很抱歉，本次会议的公众参会名额已满。",
                    capacity=notice.capacity,
                )
            application = MeetingApplication(
                notice_id=notice.id,
                receipt_code=new_receipt_code("CH"),
                applicant_name=name[:100],
                phone=phone,
                email=email,
                category=category.value,
                statement=data.statement.strip(),
                status=ApplicationStatus.PENDING.value,
                created_at=now,
            )
            session.add(application)
    except IntegrityError:
        raise _duplicate() from None
    return application


def _duplicate() -> Conflict:
    return Conflict(
        "An application with this phone number has already been made for this meeting.",
        "您好，该电话号码已就本次会议提交过参会申请，无需重复提交。可凭回执码查询办理结果。",
    )


def find_application(session: Session, receipt_code: str) -> MeetingApplication:
    code = normalise_receipt_code(receipt_code)
    application = session.scalar(
        select(MeetingApplication).where(MeetingApplication.receipt_code == code)
    )
    if application is None or application.notice.withheld:
        raise NotFound(
            "No application has this receipt code.", "未找到该回执码对应的申请，请核对后重试。"
        )
    return application


def get_application(session: Session, notice_id: int, application_id: int) -> MeetingApplication:
    application = session.get(MeetingApplication, application_id)
    if application is None or application.notice_id != notice_id:
        raise NotFound(
            f"application {application_id} not found", f"未找到编号为{application_id}的申请"
        )
    return application


def list_applications(session: Session, notice_id: int) -> Sequence[MeetingApplication]:
    get_notice(session, notice_id)
    return session.scalars(
        select(MeetingApplication)
        .where(MeetingApplication.notice_id == notice_id)
        .order_by(MeetingApplication.id)
    ).all()


@unit_of_work
def _decide(
    session: Session,
    principal: StaffPrincipal,
    notice_id: int,
    application_id: int,
    approve: bool,
    note: str,
    now: dt.datetime,
) -> MeetingApplication:
    """第六条: the office decides who attends. Approving past capacity is refused."""
    notice = session.scalar(
        select(MeetingNotice).where(MeetingNotice.id == notice_id).with_for_update()
    )
    if notice is None:
        raise NotFound(f"meeting {notice_id} not found", f"未找到编号为{notice_id}的会议")
    application = get_application(session, notice_id, application_id)
    status = ApplicationStatus.APPROVED if approve else ApplicationStatus.DECLINED
    # A declined application left the pool of places; taking it back in needs a free place,
    # counting pending applications too (they were promised one at intake).
    if (
        approve
        and application.status == ApplicationStatus.DECLINED.value
        and _taken(session, notice_id) >= notice.capacity
    ):
        raise Conflict("No places left to approve.", "名额已满，不能再同意。")
    application.status = status.value
    application.review_note = note.strip()
    application.reviewed_at = now
    application.reviewed_by = principal.username
    audit.record(
        session,
        principal,
        f"meeting.application.{status.value}",
        "meeting_application",
        application.id,
        note=note,
    )
    return application


def decision_mail(application: MeetingApplication) -> tuple[str, str]:
    """Subject and body of the e-mail telling an applicant the decision."""
    notice = application.notice
    status = ApplicationStatus(application.status)
    when = format_local(notice.starts_at) if notice.starts_at else ""
    subject = f"参会申请结果：{status.label_zh} — {notice.title}"
    lines = [
        f"您好，您申请列席“{notice.title}”（{when}，{notice.place}）。",
        f"办理结果：{status.label_zh}。",
    ]
    if application.review_note:
        lines.append(f"说明：{application.review_note}")
    lines += [
        f"回执码：{application.receipt_code}（可在网站“申请查询”页面查看办理情况）。",
        "",
        "三门峡市人民政府办公室",
    ]
    return subject, "\n".join(lines)


def decide_application(
    session: Session,
    principal: StaffPrincipal,
    notice_id: int,
    application_id: int,
    approve: bool,
    note: str,
    now: dt.datetime,
    mailer: Mailer,
) -> MeetingApplication:
    """Record the decision, commit, then tell the applicant (a mail failure loses nothing:
    the decision stays visible by receipt code)."""
    application = _decide(session, principal, notice_id, application_id, approve, note, now)
    if application.email:
        subject, body = decision_mail(application)
        mailer.send(application.email, subject, body)
    return application
