"""The public list of notices, a page at a time, in a constant handful of queries (issue #15):
counts in one query, each slice in one, history in one `selectinload`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, case, func, or_, select
from sqlalchemy.orm import Session, joinedload, selectinload

from publisher.meetings.applications import application_closes_at
from publisher.meetings.models import AgendaItem, MeetingNotice
from publisher.meetings.vocabulary import NoticeStatus
from publisher.rules.predisclosure import MeetingKind
from publisher.storage.paging import Slice, slice_of
from publisher.timeutil import start_of_local_day


def is_public(now: dt.datetime) -> tuple[ColumnElement[bool], ...]:
    return (
        MeetingNotice.withheld.is_(False),
        MeetingNotice.published_at.is_not(None),
        MeetingNotice.published_at <= now,
    )


def is_upcoming(now: dt.datetime) -> ColumnElement[bool]:
    return or_(MeetingNotice.ends_at.is_(None), MeetingNotice.ends_at >= now)


def public_notices(
    session: Session, now: dt.datetime, *, offset: int = 0, limit: int | None = None
) -> Sequence[MeetingNotice]:
    """Notices the public may see at ``now``, soonest meeting first, with their history,
    agenda and outcome loaded in a few more queries (never one per notice)."""
    query = (
        select(MeetingNotice)
        .where(*is_public(now))
        .options(
            selectinload(MeetingNotice.revisions),
            selectinload(MeetingNotice.agenda_items).selectinload(AgendaItem.documents),
            joinedload(MeetingNotice.outcome),
        )
        .order_by(MeetingNotice.starts_at, MeetingNotice.id)
        .offset(offset)
        .limit(limit)
    )
    return session.scalars(query).all()


def public_notice_stamps(session: Session, now: dt.datetime) -> list[tuple[int, dt.datetime]]:
    """(id, last change) of every notice the public may see at ``now``, in id order: the
    later of its last edit and its publication (a scheduled notice changes when it appears)."""
    rows = session.execute(
        select(MeetingNotice.id, MeetingNotice.updated_at, MeetingNotice.published_at)
        .where(*is_public(now))
        .order_by(MeetingNotice.id)
    )
    return [(i, max(u, p) if p is not None else u) for i, u, p in rows]


@dataclass(frozen=True)
class NoticeFilter:
    """What an API client narrows the public list to: a status, a kind, and the days (Beijing
    time, both inclusive) the meeting starts on."""

    status: NoticeStatus | None = None
    kind: MeetingKind | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None

    def conditions(self) -> list[ColumnElement[bool]]:
        found: list[ColumnElement[bool]] = []
        if self.status is not None:
            found.append(MeetingNotice.status == self.status.value)
        if self.kind is not None:
            found.append(MeetingNotice.kind == self.kind.value)
        if self.date_from is not None:
            found.append(MeetingNotice.starts_at >= start_of_local_day(self.date_from))
        if self.date_to is not None:
            next_day = self.date_to + dt.timedelta(days=1)
            found.append(MeetingNotice.starts_at < start_of_local_day(next_day))
        return found


def public_notices_page(
    session: Session, now: dt.datetime, filters: NoticeFilter, offset: int, limit: int
) -> Slice[MeetingNotice]:
    """One page of the public notices the filter keeps, soonest first, and their number."""
    query = (
        select(MeetingNotice)
        .where(*is_public(now), *filters.conditions())
        .options(
            selectinload(MeetingNotice.revisions),
            selectinload(MeetingNotice.agenda_items).selectinload(AgendaItem.documents),
            joinedload(MeetingNotice.outcome),
        )
        .order_by(MeetingNotice.starts_at, MeetingNotice.id)
    )
    return slice_of(session, query, offset, limit)


@dataclass(frozen=True)
class ListingPage:
    """One page of the public list: upcoming meetings soonest first, then past ones latest
    first, `size` rows per page; true while the clock stays in [`steady_from`, `steady_until`)
    and no tracked table changes (None: unbounded)."""

    upcoming: Sequence[MeetingNotice]
    past: Sequence[MeetingNotice]
    number: int
    count: int
    steady_from: dt.datetime | None = None
    steady_until: dt.datetime | None = None


_TICK = dt.timedelta(microseconds=1)


def notice_steady(
    notice: MeetingNotice, now: dt.datetime
) -> tuple[dt.datetime | None, dt.datetime | None]:
    """The instants between which time alone leaves one public notice's page as it is: from
    its publication until its application window closes (just after the deadline, or the
    start), then from that instant on."""
    closes = application_closes_at(notice)
    if closes is not None and now <= closes:
        return notice.published_at, closes + _TICK
    return (closes + _TICK if closes else notice.published_at), None


def _counts_and_instants(
    session: Session, now: dt.datetime
) -> tuple[int, int, dt.datetime | None, dt.datetime | None]:
    """(public notices, of which upcoming, the last and the next instants at which time alone
    changes the list) in one statement. Time changes it when a scheduled notice appears
    (`published_at`), a meeting ends (it moves to the past just after `ends_at`) or an
    application window closes (just after its deadline, or the start); every notice not
    withheld counts, public or not yet."""
    public = and_(*is_public(now))
    closes = func.coalesce(MeetingNotice.application_deadline, MeetingNotice.starts_at)

    row = session.execute(
        select(
            func.coalesce(func.sum(case((public, 1), else_=0)), 0),
            func.coalesce(func.sum(case((and_(public, is_upcoming(now)), 1), else_=0)), 0),
            func.min(case((MeetingNotice.published_at > now, MeetingNotice.published_at))),
            func.min(case((MeetingNotice.ends_at >= now, MeetingNotice.ends_at))),
            func.min(case((closes >= now, closes))),
            func.max(case((MeetingNotice.published_at <= now, MeetingNotice.published_at))),
            func.max(case((MeetingNotice.ends_at < now, MeetingNotice.ends_at))),
            func.max(case((closes < now, closes))),
        ).where(MeetingNotice.withheld.is_(False))
    ).one()
    total, ahead, published, ends, closing, was_published, ended, closed = row
    # visible from `published_at` on; upcoming and open up to and including their instant
    upcoming = [published, ends + _TICK if ends else None, closing + _TICK if closing else None]
    passed = [was_published, ended + _TICK if ended else None, closed + _TICK if closed else None]
    return (
        int(total),
        int(ahead),
        max((t for t in passed if t is not None), default=None),
        min((t for t in upcoming if t is not None), default=None),
    )


def list_steady(
    session: Session, now: dt.datetime
) -> tuple[dt.datetime | None, dt.datetime | None]:
    """The last and the next instants at which time alone changes the public list."""
    _, _, steady_from, steady_until = _counts_and_instants(session, now)
    return steady_from, steady_until


def public_listing(session: Session, now: dt.datetime, number: int, size: int) -> ListingPage:
    """At most four queries whatever the number of notices: the counts (and the instants time
    changes the list at), the upcoming slice, the past slice (places taken are the caller's
    one more)."""
    total, ahead, steady_from, steady_until = _counts_and_instants(session, now)
    count = max(1, -(-total // size))
    start = (number - 1) * size
    upcoming: Sequence[MeetingNotice] = []
    past: Sequence[MeetingNotice] = []
    if start < ahead:
        upcoming = session.scalars(
            select(MeetingNotice)
            .where(*is_public(now), is_upcoming(now))
            .order_by(MeetingNotice.starts_at, MeetingNotice.id)
            .offset(start)
            .limit(size)
        ).all()
    room = size - len(upcoming)
    if room > 0 and total > ahead:
        past = session.scalars(
            select(MeetingNotice)
            .where(*is_public(now), ~is_upcoming(now))
            .order_by(MeetingNotice.starts_at.desc(), MeetingNotice.id.desc())
            .offset(max(0, start - ahead))
            .limit(room)
        ).all()
    return ListingPage(
        upcoming=upcoming,
        past=past,
        number=number,
        count=count,
        steady_from=steady_from,
        steady_until=steady_until,
    )
