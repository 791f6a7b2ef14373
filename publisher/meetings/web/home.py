"""The meetings on the home page: the next few public notices, soonest first."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from publisher.feature import HomeItem, HomeSection
from publisher.meetings import applications
from publisher.meetings.listing import is_public, is_upcoming, list_steady
from publisher.meetings.models import MeetingNotice
from publisher.meetings.vocabulary import NoticeStatus
from publisher.rules.predisclosure import MeetingKind
from publisher.timeutil import format_local


def _facts(notice: MeetingNotice, now: dt.datetime) -> tuple[tuple[str, str], ...]:
    facts = [("会议类别", MeetingKind(notice.kind).label_zh)]
    if notice.status != NoticeStatus.SCHEDULED.value:
        return (*facts, ("状态", NoticeStatus(notice.status).label_zh))
    if notice.starts_at is not None:
        facts.append(("召开时间", format_local(notice.starts_at)))
    if notice.place:
        facts.append(("地点", notice.place))
    if applications.applications_open(notice, now) and notice.application_deadline is not None:
        facts.append(("申请列席截止", format_local(notice.application_deadline)))
    return tuple(facts)


def upcoming_meetings(session: Session, now: dt.datetime, limit: int) -> Sequence[HomeItem]:
    notices = session.scalars(
        select(MeetingNotice)
        .where(*is_public(now), is_upcoming(now))
        .order_by(MeetingNotice.starts_at, MeetingNotice.id)
        .limit(limit)
    ).all()
    return [HomeItem(n.title, f"/meetings/{n.id}", _facts(n, now)) for n in notices]


HOME_SECTION = HomeSection(
    heading="即将召开的会议",
    more_url="/meetings",
    more_label="全部会议预告",
    empty="暂无即将召开的会议预告。",
    current=upcoming_meetings,
    watches=(MeetingNotice.__tablename__,),
    steady=list_steady,  # the list's instants: a publication, a meeting's end, a deadline
)
