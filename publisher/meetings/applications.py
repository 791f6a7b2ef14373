"""Attendance applications (参会申请, 第五–六条): the public applies (`publisher.meetings.intake`),
the office decides; the places a meeting has left; finding an application by its receipt.

A decision puts a message to the applicant in the outbox, in the same unit
(docs/notifications.md).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from publisher.errors import (
    Conflict,
    NotFound,
)
from publisher.meetings.attendance import (
    give_checkin_code,
    promote_waiting,
    taken,
)
from publisher.meetings.models import MeetingApplication, MeetingNotice
from publisher.meetings.notices import get_notice
from publisher.meetings.notify import tell_applicant
from publisher.meetings.vocabulary import (
    HOLDS_PLACE,
    ApplicationStatus,
    NoticeStatus,
)
from publisher.receipts import find_by_receipt, normalise_receipt_code
from publisher.staff import audit
from publisher.staff.principal import StaffPrincipal
from publisher.storage.db import unit_of_work, write_unit


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


def places_left(session: Session, notice: MeetingNotice) -> int:
    return max(0, notice.capacity - taken(session, notice.id))


def places_taken(session: Session, notice_ids: Sequence[int]) -> dict[int, int]:
    """Places taken (applications pending or approved) of many meetings in one GROUP BY, so a
    list costs one query whatever its length."""
    if not notice_ids:
        return {}
    rows = session.execute(
        select(MeetingApplication.notice_id, func.count())
        .where(
            MeetingApplication.notice_id.in_(notice_ids),
            MeetingApplication.status.in_(HOLDS_PLACE),
        )
        .group_by(MeetingApplication.notice_id)
    ).all()
    return {notice_id: count for notice_id, count in rows}


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


def application_by_receipt(
    session: Session, receipt_code: str, *, requester: str, now: dt.datetime
) -> MeetingApplication:
    """The public look-up by receipt code, its misses counted per address."""
    return find_by_receipt(session, requester, now, lambda: find_application(session, receipt_code))


def get_application(session: Session, notice_id: int, application_id: int) -> MeetingApplication:
    application = session.get(MeetingApplication, application_id)
    if application is None or application.notice_id != notice_id:
        raise NotFound(
            f"application {application_id} not found", f"未找到编号为{application_id}的申请"
        )
    return application


def list_applications(
    session: Session, notice_id: int, *, pending_only: bool = False, approved_only: bool = False
) -> Sequence[MeetingApplication]:
    """A meeting's applications; `pending_only`: those awaiting a decision (the work queue's);
    `approved_only`: the representatives who attend."""
    get_notice(session, notice_id)
    query = select(MeetingApplication).where(MeetingApplication.notice_id == notice_id)
    if pending_only:
        query = query.where(MeetingApplication.status == ApplicationStatus.PENDING.value)
    if approved_only:
        query = query.where(MeetingApplication.status == ApplicationStatus.APPROVED.value)
    return session.scalars(query.order_by(MeetingApplication.id)).all()


@unit_of_work
def decide_application(
    session: Session,
    principal: StaffPrincipal,
    notice_id: int,
    application_id: int,
    approve: bool,
    note: str,
    now: dt.datetime,
) -> MeetingApplication:
    """第六条: the office decides who attends, and the applicant is told through the outbox.
    Approving past capacity is refused."""
    notice = session.scalar(
        select(MeetingNotice).where(MeetingNotice.id == notice_id).with_for_update()
    )
    if notice is None:
        raise NotFound(f"meeting {notice_id} not found", f"未找到编号为{notice_id}的会议")
    application = get_application(session, notice_id, application_id)
    status = ApplicationStatus.APPROVED if approve else ApplicationStatus.DECLINED
    # An application holding no place (declined, waiting, given up) needs a free one to be
    # approved, counting pending applications too (they were promised one at intake).
    held = application.status in HOLDS_PLACE
    if approve and not held and taken(session, notice_id) >= notice.capacity:
        raise Conflict("No places left to approve.", "名额已满，不能再同意。")
    application.status = status.value
    if approve:
        give_checkin_code(application)
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
    tell_applicant(
        session,
        application,
        f"meeting.application.{status.value}",
        now,
        note=application.review_note,
        checkin=application.checkin_code if approve and application.checkin_code else "",
    )
    if not approve and held:
        promote_waiting(session, notice, now)
    return application


def withdraw_application(
    session: Session, receipt_code: str, *, requester: str, now: dt.datetime
) -> MeetingApplication:
    """The applicant gives up their place (or their turn on the waiting list) by receipt
    code; a place freed goes to the first waiting, in the same unit."""
    found = application_by_receipt(session, receipt_code, requester=requester, now=now)
    with write_unit(session):
        notice = session.scalar(
            select(MeetingNotice).where(MeetingNotice.id == found.notice_id).with_for_update()
        )
        application = session.get(MeetingApplication, found.id)
        assert notice is not None and application is not None
        if application.status not in HOLDS_PLACE | {ApplicationStatus.WAITLISTED.value}:
            raise Conflict(
                "This application holds no place to give up.",
                f"该申请当前状态为“{ApplicationStatus(application.status).label_zh}”，无需放弃。",
            )
        if notice.starts_at is not None and notice.starts_at <= now:
            raise Conflict("The meeting has started.", "会议已开始，不能再放弃。")
        held = application.status in HOLDS_PLACE
        application.status = ApplicationStatus.WITHDRAWN.value
        tell_applicant(session, application, "meeting.application.withdrawn", now)
        if held:
            promote_waiting(session, notice, now)
        return application
