"""Attendance like a real event: the waiting list and its promotion, the personal check-in
code given at approval, check-in at the door, and the counts staff and the outcome use.

A place is held by a pending or approved application (`HOLDS_PLACE`). When one lets its
place go (declined, or given up by the applicant), the earliest waiting application moves up
to pending, in the same unit, and is told through the outbox.
"""

from __future__ import annotations

import datetime as dt
import secrets
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from publisher.errors import Conflict, NotFound
from publisher.meetings.models import MeetingApplication, MeetingNotice
from publisher.meetings.notify import tell_applicant
from publisher.meetings.vocabulary import HOLDS_PLACE, ApplicationStatus
from publisher.receipts import ALPHABET
from publisher.staff import audit
from publisher.staff.principal import StaffPrincipal
from publisher.storage.db import unit_of_work


def taken(session: Session, notice_id: int) -> int:
    """Places held: applications pending or approved."""
    return (
        session.scalar(
            select(func.count())
            .select_from(MeetingApplication)
            .where(
                MeetingApplication.notice_id == notice_id,
                MeetingApplication.status.in_(HOLDS_PLACE),
            )
        )
        or 0
    )


def waiting(session: Session, notice_id: int) -> Sequence[MeetingApplication]:
    """The waiting list, in the order people applied."""
    return session.scalars(
        select(MeetingApplication)
        .where(
            MeetingApplication.notice_id == notice_id,
            MeetingApplication.status == ApplicationStatus.WAITLISTED.value,
        )
        .order_by(MeetingApplication.created_at, MeetingApplication.id)
    ).all()


def promote_waiting(session: Session, notice: MeetingNotice, now: dt.datetime) -> int:
    """Fill free places from the waiting list, in order; the caller holds the notice's lock.
    Returns how many moved up."""
    free = notice.capacity - taken(session, notice.id)
    promoted = 0
    for application in waiting(session, notice.id)[: max(0, free)]:
        application.status = ApplicationStatus.PENDING.value
        promoted += 1
        tell_applicant(session, application, "meeting.application.promoted", now)
    if promoted:
        session.flush()
    return promoted


def new_checkin_code() -> str:
    """Eight characters of Crockford's base32 (40 bits), e.g. ``Q7K3-9XWM``."""
    body = "".join(secrets.choice(ALPHABET) for _ in range(8))
    return f"{body[:4]}-{body[4:]}"


def normalise_checkin_code(code: str) -> str:
    """What staff type or a scanner reads: any case, spaces, dashes; O for 0, I/L for 1."""
    text = unicodedata.normalize("NFKC", code).upper()
    compact = "".join(ch for ch in text if ch.isalnum())
    compact = compact.replace("O", "0").replace("I", "1").replace("L", "1")
    return f"{compact[:4]}-{compact[4:]}" if len(compact) == 8 else compact


def give_checkin_code(application: MeetingApplication) -> None:
    if application.checkin_code is None:
        application.checkin_code = new_checkin_code()


@dataclass(frozen=True)
class CheckIn:
    application: MeetingApplication
    already: bool


@unit_of_work
def check_in(
    session: Session, principal: StaffPrincipal, notice_id: int, code: str, now: dt.datetime
) -> CheckIn:
    """Staff type or scan a check-in code at the door; a code checked in before says so."""
    normalised = normalise_checkin_code(code)
    application = session.scalar(
        select(MeetingApplication).where(MeetingApplication.checkin_code == normalised)
    )
    if application is None or application.notice_id != notice_id:
        raise NotFound(
            "No approved attendee of this meeting has this check-in code.",
            "本次会议没有该签到码对应的参会人员，请核对后重试。",
        )
    if application.status != ApplicationStatus.APPROVED.value:
        raise Conflict(
            "This application is no longer approved; it cannot check in.",
            f"该申请当前状态为“{ApplicationStatus(application.status).label_zh}”，不能签到。",
        )
    if application.checked_in_at is not None:
        return CheckIn(application, already=True)
    application.checked_in_at = now
    audit.record(
        session, principal, "meeting.application.checkin", "meeting_application", application.id
    )
    return CheckIn(application, already=False)


@dataclass(frozen=True)
class Attendance:
    """A meeting's attendance in counts (no names)."""

    capacity: int
    approved: int
    pending: int
    waiting: int
    checked_in: int
    #: approved but not checked in, once the meeting has started (None before)
    no_shows: int | None
    #: representatives checked in, by category value
    by_category: dict[str, int]


def attendance(session: Session, notice: MeetingNotice, now: dt.datetime) -> Attendance:
    rows = session.execute(
        select(
            MeetingApplication.status,
            MeetingApplication.category,
            MeetingApplication.checked_in_at.is_not(None),
        ).where(MeetingApplication.notice_id == notice.id)
    ).all()
    status = Counter(row[0] for row in rows)
    present = Counter(
        row[1] for row in rows if row[2] and row[0] == ApplicationStatus.APPROVED.value
    )
    approved = status[ApplicationStatus.APPROVED.value]
    checked_in = sum(present.values())
    started = notice.starts_at is not None and notice.starts_at <= now
    return Attendance(
        capacity=notice.capacity,
        approved=approved,
        pending=status[ApplicationStatus.PENDING.value],
        waiting=status[ApplicationStatus.WAITLISTED.value],
        checked_in=checked_in,
        no_shows=approved - checked_in if started else None,
        by_category=dict(present),
    )


def checkin_list(session: Session, notice_id: int) -> Sequence[MeetingApplication]:
    """Approved attendees for the door: checked in last, then by name."""
    return session.scalars(
        select(MeetingApplication)
        .where(
            MeetingApplication.notice_id == notice_id,
            MeetingApplication.status == ApplicationStatus.APPROVED.value,
        )
        .order_by(MeetingApplication.checked_in_at.is_not(None), MeetingApplication.id)
    ).all()


def waiting_position(session: Session, application: MeetingApplication) -> int | None:
    """Where a waiting application stands on the list (1 is next), else None."""
    if application.status != ApplicationStatus.WAITLISTED.value:
        return None
    # counted, not listed: a popular meeting's waiting list may hold thousands
    ahead = or_(
        MeetingApplication.created_at < application.created_at,
        and_(
            MeetingApplication.created_at == application.created_at,
            MeetingApplication.id <= application.id,
        ),
    )
    position = session.scalar(
        select(func.count()).where(
            MeetingApplication.notice_id == application.notice_id,
            MeetingApplication.status == ApplicationStatus.WAITLISTED.value,
            ahead,
        )
    )
    return position or None
