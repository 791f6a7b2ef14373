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
    Level,
    Section,
    by_age,
)
from publisher.meetings.models import (
    MeetingApplication,
    MeetingNotice,
    NoticeRevision,
)
from publisher.meetings.models import RepresentativeOpinion as Opinion
from publisher.timeutil import format_local

MONTH = dt.timedelta(days=30)
QUARTER = dt.timedelta(days=90)


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
    found = [m for m in (published, revised) if m is not None]
    return max(found) if found else None


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
    level, evidence = by_age(ages, MONTH, QUARTER)
    meetings = sorted({meeting_id for meeting_id, *_ in waiting})
    return [
        Finding(
            indicator="互动回应：代表意见办理",
            threshold="意见超过3个月未答复即单项否决（互动回应差）；超过1个月预警",
            veto=True,
            level=level,
            evidence=evidence,
            action="交办并答复这些意见：" + "、".join(f"/staff/meetings/{m}" for m in meetings[:10])
            if evidence
            else "",
        )
    ]


def backdated(ctx: InspectionContext) -> Sequence[Finding]:
    forged = ctx.session.execute(
        select(MeetingNotice.id, MeetingNotice.title).where(
            MeetingNotice.published_at < MeetingNotice.created_at
        )
    ).all()
    return [
        Finding(
            indicator="弄虚作假：会议预告发布时间",
            threshold="伪造发稿日期即单项否决",
            veto=True,
            level=Level.FAIL if forged else Level.PASS,
            evidence=tuple(f"《{title}》（/staff/meetings/{i}）" for i, title in forged),
            action="核查这些预告的发布时间是否被改动" if forged else "",
        )
    ]


CHECKS = (unanswered_opinions, backdated)
