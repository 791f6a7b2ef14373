"""What the self-inspection (自查) sees of meeting pre-disclosure: its section, representatives'
opinions left unanswered (互动回应差, a veto indicator) and forged publication dates (弄虚作假)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import func, select

from publisher.inspection.model import (
    NOTICE_SECTION,
    Finding,
    InspectionContext,
    Section,
    forged_dates,
    latest_of,
    unanswered,
)
from publisher.meetings.models import (
    MeetingApplication,
    MeetingNotice,
    NoticeRevision,
)
from publisher.meetings.models import RepresentativeOpinion as Opinion
from publisher.timeutil import format_local


def latest_public_change(ctx: InspectionContext) -> dt.datetime | None:
    """The newest publication or public revision of a notice."""
    public = (
        MeetingNotice.withheld.is_(False),
        MeetingNotice.published_at.is_not(None),
        MeetingNotice.published_at <= ctx.now,
    )
    published = ctx.session.scalar(select(func.max(MeetingNotice.published_at)).where(*public))
    revised = ctx.session.scalar(
        select(func.max(NoticeRevision.changed_at))
        .join(MeetingNotice, NoticeRevision.notice_id == MeetingNotice.id)
        .where(*public, NoticeRevision.changed_at <= ctx.now)
    )
    return latest_of(published, revised)


SECTION = Section(
    name="重大会议预公开",
    path="/meetings",
    stale_after=NOTICE_SECTION,
    latest=latest_public_change,
)


def unanswered_opinions(ctx: InspectionContext) -> Sequence[Finding]:
    waiting = ctx.session.execute(
        select(MeetingNotice.id, MeetingNotice.title, Opinion.id, Opinion.created_at)
        .join(MeetingApplication, Opinion.application_id == MeetingApplication.id)
        .join(MeetingNotice, MeetingApplication.notice_id == MeetingNotice.id)
        .where(Opinion.answered_at.is_(None))
        .order_by(Opinion.created_at)
    ).all()
    ages = [
        (f"《{title}》代表意见 #{opinion_id}（{format_local(created)} 提出）", ctx.now - created)
        for _, title, opinion_id, created in waiting
    ]
    pages = [f"/staff/meetings/{meeting_id}" for meeting_id, *_ in waiting]
    return [unanswered("互动回应：代表意见办理", ages, pages, "交办并答复这些意见")]


def backdated(ctx: InspectionContext) -> Sequence[Finding]:
    forged = ctx.session.execute(
        select(MeetingNotice.id, MeetingNotice.title).where(
            MeetingNotice.published_at < MeetingNotice.created_at
        )
    ).all()
    records = [f"《{title}》（/staff/meetings/{i}）" for i, title in forged]
    return [forged_dates("弄虚作假：会议预告发布时间", records)]


CHECKS = (unanswered_opinions, backdated)
