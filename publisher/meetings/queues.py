"""What meeting pre-disclosure gives the staff work queue (publisher.workqueue): applications
awaiting a decision, representatives' opinions assigned but not answered, and meetings within
the next 5 working days whose notice is not public. One statement per queue."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from publisher.meetings.models import MeetingApplication, MeetingNotice, RepresentativeOpinion
from publisher.meetings.vocabulary import ApplicationStatus, NoticeStatus
from publisher.staff.roles import Role
from publisher.timeutil import format_local
from publisher.workqueue import QueueContext, QueueRow, QueueSort, WorkQueue

#: "meetings within the next 5 working days without a published notice" (issue #16)
MEETINGS_WITHIN_WORKING_DAYS = 5


def pending_applications(session: Session, context: QueueContext) -> Sequence[QueueRow]:
    """Applications to attend (第六条) not yet decided, per meeting still to be held."""
    rows = session.execute(
        select(
            MeetingNotice.id,
            MeetingNotice.title,
            MeetingNotice.starts_at,
            func.count(MeetingApplication.id),
            func.min(MeetingApplication.created_at),
        )
        .join(MeetingApplication, MeetingApplication.notice_id == MeetingNotice.id)
        .where(
            MeetingApplication.status == ApplicationStatus.PENDING.value,
            MeetingNotice.status == NoticeStatus.SCHEDULED.value,
            or_(MeetingNotice.starts_at.is_(None), MeetingNotice.starts_at > context.now),
        )
        .group_by(MeetingNotice.id, MeetingNotice.title, MeetingNotice.starts_at)
    ).all()
    return [
        QueueRow(
            label=title,
            count=count,
            link=f"/staff/meetings/{notice_id}?applications=pending#h-applications",
            waiting_since=oldest,
            due_at=starts_at,
        )
        for notice_id, title, starts_at, count, oldest in rows
    ]


def opinions_waiting(session: Session, context: QueueContext) -> Sequence[QueueRow]:
    """Opinions assigned to a department (交办) and not yet answered (第八条), per meeting and
    department, with how long the oldest has waited."""
    rows = session.execute(
        select(
            MeetingNotice.id,
            MeetingNotice.title,
            RepresentativeOpinion.department,
            func.count(RepresentativeOpinion.id),
            func.min(RepresentativeOpinion.assigned_at),
        )
        .join(MeetingApplication, MeetingApplication.notice_id == MeetingNotice.id)
        .join(RepresentativeOpinion, RepresentativeOpinion.application_id == MeetingApplication.id)
        .where(
            RepresentativeOpinion.assigned_at.is_not(None),
            RepresentativeOpinion.answered_at.is_(None),
        )
        .group_by(MeetingNotice.id, MeetingNotice.title, RepresentativeOpinion.department)
    ).all()
    return [
        QueueRow(
            label=title,
            count=count,
            link=f"/staff/meetings/{notice_id}?opinions=waiting#h-opinions",
            waiting_since=oldest,
            note=f"承办单位：{department}；最久已等待{context.waited_zh(oldest)}" if oldest else "",
        )
        for notice_id, title, department, count, oldest in rows
    ]


def unannounced_meetings(session: Session, context: QueueContext) -> Sequence[QueueRow]:
    """Scheduled meetings starting by the end of the 5th working day after today whose
    advance notice (第三条) is not public: never published, scheduled later, or withheld."""
    horizon = context.working_days_horizon(MEETINGS_WITHIN_WORKING_DAYS)
    notices = session.execute(
        select(
            MeetingNotice.id,
            MeetingNotice.title,
            MeetingNotice.starts_at,
            MeetingNotice.published_at,
            MeetingNotice.withheld,
        ).where(
            MeetingNotice.status == NoticeStatus.SCHEDULED.value,
            MeetingNotice.starts_at > context.now,
            MeetingNotice.starts_at <= horizon,
            or_(
                MeetingNotice.withheld.is_(True),
                MeetingNotice.published_at.is_(None),
                MeetingNotice.published_at > context.now,
            ),
        )
    ).all()
    return [
        QueueRow(
            label=title,
            count=None,
            link=f"/staff/meetings/{notice_id}",
            due_at=starts_at,
            note=(
                "暂不公开"
                if withheld
                else f"定于{format_local(published_at)}公开"
                if published_at
                else "未发布公开预告"
            ),
        )
        for notice_id, title, starts_at, published_at, withheld in notices
    ]


WORK_QUEUES = (
    WorkQueue(
        key="meetings-applications",
        title_zh="待审核的参会申请",
        title_en="Attendance applications awaiting a decision",
        unit_zh="份申请",
        role=Role.REVIEWER,
        rows=pending_applications,
        sorts=(QueueSort.COUNT, QueueSort.WAITING, QueueSort.DUE, QueueSort.LABEL),
    ),
    WorkQueue(
        key="meetings-opinions",
        title_zh="已交办、未答复的代表意见",
        title_en="Representatives' opinions assigned but not answered",
        unit_zh="条意见",
        role=Role.EDITOR,
        rows=opinions_waiting,
        default_sort=QueueSort.WAITING,
    ),
    WorkQueue(
        key="meetings-unannounced",
        title_zh=f"{MEETINGS_WITHIN_WORKING_DAYS}个工作日内召开、预告未公开的会议",
        title_en=f"Meetings within {MEETINGS_WITHIN_WORKING_DAYS} working days without a "
        "public notice",
        unit_zh="次会议",
        role=Role.EDITOR,
        rows=unannounced_meetings,
        default_sort=QueueSort.DUE,
        sorts=(QueueSort.DUE, QueueSort.LABEL),
    ),
)
