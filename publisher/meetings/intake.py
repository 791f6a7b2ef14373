"""Taking an application to attend (参会申请, 第五–六条): the public's write.

Intake checks what it can without the database, then hands one short write to the group writer
(publisher.storage.group_commit): lock the meeting, check again the window, capacity and
duplicates, insert; the receipt code is only shown once the COMMIT of its batch holding the row
is durable. The writer runs the submissions of one process in order, so the waiting list keeps
the order in which they were taken. The receipt message goes in the outbox in the same
transaction (docs/notifications.md).
"""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import dataclass
from typing import cast

from sqlalchemy import Engine, Table, bindparam, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from publisher.contact import normalise_email, normalise_phone
from publisher.errors import (
    Conflict,
    NotFound,
    RuleViolation,
    TooManyRequests,
    ValidationFailed,
)
from publisher.meetings.applications import application_closes_at
from publisher.meetings.attendance import (
    waiting_position,
)
from publisher.meetings.models import AgendaItem, MeetingApplication, MeetingNotice
from publisher.meetings.notify import application_context, tell_applicant
from publisher.meetings.vocabulary import (
    HOLDS_PLACE,
    ApplicationStatus,
    NoticeStatus,
    RepresentativeCategory,
)
from publisher.notifications.outbox import Contact, enqueue
from publisher.receipts import new_receipt_code
from publisher.storage.core_insert import adopt_inserted
from publisher.storage.db import make_session_factory, write_unit
from publisher.storage.group_commit import batch_memo, write_grouped, write_grouped_async
from publisher.throttle import limits
from publisher.throttle.limits import Limit
from publisher.timeutil import format_local, format_local_en


@dataclass
class ApplicationInput:
    applicant_name: str
    phone: str
    category: RepresentativeCategory
    statement: str = ""
    email: str | None = None
    #: the agenda item the applicant is concerned with
    agenda_item_id: int | None = None


#: applications from one address, across meetings (a household or an office shares one)
APPLICATIONS_PER_ADDRESS = Limit(
    scope="application.address",
    max_hits=5,
    window=dt.timedelta(hours=1),
    what_en="applications from this address",
    what_zh="同一网络地址提交参会申请",
)
#: so that one address cannot take all of a meeting's places
APPLICATIONS_PER_ADDRESS_AND_MEETING = Limit(
    scope="application.address_meeting",
    max_hits=2,
    window=dt.timedelta(days=1),
    what_en="applications to this meeting from this address",
    what_zh="同一网络地址就本次会议提交申请",
)
#: receipts re-sent to the e-mail on file when the same phone applies again
RECEIPT_RESENDS_PER_APPLICATION = Limit(
    scope="application.receipt_resend",
    max_hits=3,
    window=dt.timedelta(days=1),
    what_en="re-sent receipts",
    what_zh="重新发送回执码",
)


class AlreadyApplied(Conflict):
    """The phone number has applied to this meeting before (409). The answer is the same
    whoever asks, and carries no receipt code: the code goes to the contact on file."""

    code = "already_applied"

    def __init__(self) -> None:
        super().__init__(
            "An application with this phone number has already been made for this meeting. "
            "If an e-mail address was given with it, the receipt code has been sent there "
            "again; the receipt code given at the first submission also shows the result.",
            "该电话号码已就本次会议提交过参会申请，无需重复提交。如申请时留有电子邮箱，回执码已"
            "重新发送至该邮箱；也可凭首次提交时获得的回执码查询办理结果。",
        )


@dataclass
class _SamePhone(Exception):
    """Inside the intake unit: the phone has applied before (rolls the unit back)."""

    application_id: int


def apply_to_attend(
    session: Session,
    notice_id: int,
    data: ApplicationInput,
    now: dt.datetime,
    *,
    requester: str,
    idempotency_key: str | None = None,
) -> tuple[MeetingApplication, bool]:
    """Take an application; returns (application, created) once it is committed.

    The fields are checked here; the rest by the write, which the group writer runs with the
    others waiting, in one transaction: lock the notice, then a retry with the same
    idempotency key returns the first receipt and stores nothing; the window, duplicates,
    capacity and the per-address limits are checked; insert. The receipt code is only shown
    after this returns. When the phone has applied before, the first receipt is re-sent to
    the e-mail on file (never shown to whoever asked) and `AlreadyApplied` is raised.
    """
    intake, key = _checked_input(data, idempotency_key)
    try:
        application, created = write_grouped(
            session,
            lambda writer: _take_application(writer, notice_id, intake, now, requester, key),
        )
        return session.merge(application, load=False), created
    except (_SamePhone, IntegrityError) as refusal:
        return _after_refusal(session, refusal, notice_id, key, now), False


async def receive_application(
    engine: Engine,
    notice_id: int,
    data: ApplicationInput,
    now: dt.datetime,
    *,
    requester: str,
    idempotency_key: str | None = None,
) -> tuple[MeetingApplication, bool]:
    """`apply_to_attend` for an async endpoint: the request holds no session or thread while
    it waits for its batch's COMMIT (the application comes back detached, columns loaded)."""
    intake, key = _checked_input(data, idempotency_key)
    try:
        return await write_grouped_async(
            engine,
            lambda writer: _take_application(writer, notice_id, intake, now, requester, key),
        )
    except (_SamePhone, IntegrityError) as refusal:
        first = await asyncio.to_thread(_after_refusal_alone, engine, refusal, notice_id, key, now)
        return first, False


def _checked_input(
    data: ApplicationInput, idempotency_key: str | None
) -> tuple[ApplicationInput, str | None]:
    """The fields, normalised and checked (no database); the idempotency key."""
    name = data.applicant_name.strip()
    if not name:
        raise ValidationFailed("Your name is required.", "请填写姓名。", field="applicant_name")
    intake = ApplicationInput(
        name[:100],
        normalise_phone(data.phone),
        RepresentativeCategory(data.category),
        data.statement.strip(),
        normalise_email(data.email),
        data.agenda_item_id,
    )
    return intake, (idempotency_key or "").strip()[:100] or None


def _after_refusal(
    session: Session,
    refusal: _SamePhone | IntegrityError,
    notice_id: int,
    key: str | None,
    now: dt.datetime,
) -> MeetingApplication:
    """The phone applied before: re-send its receipt, raise `AlreadyApplied`. A constraint
    refused the insert: a concurrent request (another process) with the same key committed
    first, whose application is the answer; or with the same phone: `AlreadyApplied`."""
    if isinstance(refusal, _SamePhone):
        _resend_receipt(session, refusal.application_id, now)
        raise AlreadyApplied() from None
    existing = _by_key(session, notice_id, key) if key is not None else None
    if existing is None:
        raise AlreadyApplied() from None
    return existing


def _after_refusal_alone(
    engine: Engine,
    refusal: _SamePhone | IntegrityError,
    notice_id: int,
    key: str | None,
    now: dt.datetime,
) -> MeetingApplication:
    with make_session_factory(engine)() as session:
        return _after_refusal(session, refusal, notice_id, key, now)


def _by_key(session: Session, notice_id: int, key: str) -> MeetingApplication | None:
    return session.scalar(
        select(MeetingApplication).where(
            MeetingApplication.notice_id == notice_id, MeetingApplication.idempotency_key == key
        )
    )


@dataclass
class _MeetingLocked:
    """A meeting its batch's transaction holds locked, and the places held as the batch has
    taken them: read by the batch's first application to it, kept for the others (one lock
    and one count a batch, not one each: a count reads every application of the meeting)."""

    notice: MeetingNotice
    held: int


def _take_application(
    session: Session,
    notice_id: int,
    data: ApplicationInput,
    now: dt.datetime,
    requester: str,
    key: str | None,
) -> tuple[MeetingApplication, bool]:
    memo, memo_key = batch_memo(session), ("meeting_locked", notice_id)
    locked: _MeetingLocked | None = memo.get(memo_key)
    seen = {"notice_id": notice_id, "key": key, "phone": data.phone}
    locking = locked is None
    if locked is None:
        notice = session.scalar(_NOTICE_LOCKED, {"notice_id": notice_id})
        if notice is None or not notice.is_public(now):
            raise _no_meeting(notice_id)
        same_key, same_phone, held = session.connection().execute(_SEEN_AND_HELD, seen).one()
        locked = memo[memo_key] = _MeetingLocked(notice, held)
    elif not locked.notice.is_public(now):
        raise _no_meeting(notice_id)
    else:
        same_key, same_phone = session.connection().execute(_SEEN, seen).one()
    try:
        return _take_locked(session, locked, data, now, requester, key, same_key, same_phone)
    except BaseException:
        if locking:  # its savepoint's rollback releases the lock it took: the next
            del memo[memo_key]  # application of the batch locks (and counts) again
        raise


def _no_meeting(notice_id: int) -> NotFound:
    return NotFound(f"meeting {notice_id} not found", f"未找到编号为{notice_id}的会议")


def _take_locked(
    session: Session,
    locked: _MeetingLocked,
    data: ApplicationInput,
    now: dt.datetime,
    requester: str,
    key: str | None,
    same_key: int | None,
    same_phone: int | None,
) -> tuple[MeetingApplication, bool]:
    """The application, the meeting locked: the first receipt for a key used, else the
    window, duplicates, limits and capacity checked and the row inserted."""
    notice = locked.notice
    if same_key is not None:
        first = session.get(MeetingApplication, same_key)
        assert first is not None  # read under the meeting's lock, in this transaction
        return first, False
    _check_open(notice, now)
    if same_phone is not None:
        raise _SamePhone(same_phone)
    _check_item(session, notice.id, data.agenda_item_id)
    full = locked.held >= notice.capacity
    limits.take(session, APPLICATIONS_PER_ADDRESS, requester, now)
    per_meeting = f"{requester}:{notice.id}"  # its takers all hold the meeting's lock
    limits.take(session, APPLICATIONS_PER_ADDRESS_AND_MEETING, per_meeting, now, serialised=True)
    status = ApplicationStatus.WAITLISTED if full else ApplicationStatus.PENDING
    row = (
        session.connection()
        .execute(
            _INSERT,
            {
                "notice_id": notice.id,
                "receipt_code": new_receipt_code("CH"),
                "idempotency_key": key,
                "applicant_name": data.applicant_name,
                "phone": data.phone,
                "email": data.email,
                "category": data.category.value,
                "statement": data.statement,
                "status": status.value,
                "created_at": now,
                "agenda_item_id": data.agenda_item_id,
            },
        )
        .one()
    )
    application = adopt_inserted(session, MeetingApplication, row)
    try:
        if full:
            position = str(waiting_position(session, application))
            tell_applicant(
                session, application, "meeting.application.waitlisted", now, position=position
            )
        else:
            tell_applicant(session, application, "meeting.application.received", now)
    except BaseException:  # its savepoint takes the row away: the object goes with it
        session.expunge(application)
        raise
    if not full:  # last: a refusal before it rolls back a place this count never took
        locked.held += 1
    return application, True


# Built once, run with parameters (as the comment intake's): building and keying the
# statements of one application cost the writer more than running them (#15).
_APPLICATIONS = cast(Table, MeetingApplication.__table__)
#: the meeting, locked: its applications are taken one at a time (capacity, waiting list)
_NOTICE_LOCKED = (
    select(MeetingNotice).where(MeetingNotice.id == bindparam("notice_id")).with_for_update()
)
#: under that lock, in one round trip: the application this idempotency key made and the
#: one this phone made
_SEEN_ONES = (
    select(_APPLICATIONS.c.id)
    .where(
        _APPLICATIONS.c.notice_id == bindparam("notice_id"),
        _APPLICATIONS.c.idempotency_key == bindparam("key"),
    )
    .scalar_subquery(),
    select(_APPLICATIONS.c.id)
    .where(
        _APPLICATIONS.c.notice_id == bindparam("notice_id"),
        _APPLICATIONS.c.phone == bindparam("phone"),
    )
    .scalar_subquery(),
)
_SEEN = select(*_SEEN_ONES)
#: and the places held, for the first application of a batch to the meeting
_SEEN_AND_HELD = select(
    *_SEEN_ONES,
    select(func.count())
    .where(
        _APPLICATIONS.c.notice_id == bindparam("notice_id"),
        _APPLICATIONS.c.status.in_(HOLDS_PLACE),
    )
    .scalar_subquery(),
)
_INSERT = insert(_APPLICATIONS).returning(*_APPLICATIONS.c)


def _check_item(session: Session, notice_id: int, item_id: int | None) -> None:
    if item_id is None:
        return
    item = session.get(AgendaItem, item_id)
    if item is None or item.notice_id != notice_id:
        raise ValidationFailed(
            "The agenda item named is not one of this meeting's.",
            "所选议题不属于本次会议。",
            field="agenda_item_id",
        )


def _check_open(notice: MeetingNotice, now: dt.datetime) -> None:
    if notice.status != NoticeStatus.SCHEDULED.value:
        raise RuleViolation(
            "The meeting is cancelled or its notice withdrawn; applications are closed.",
            f"该会议{NoticeStatus(notice.status).label_zh}，不再接受参会申请。",
        )
    closes = application_closes_at(notice)
    if notice.capacity <= 0 or closes is None:
        raise RuleViolation(
            "This meeting does not take applications from the public.",
            "本次会议不接受社会公众参会申请。",
        )
    if now > closes:
        raise RuleViolation(
            f"Applications closed at {format_local_en(closes)}.",
            f"参会申请已于{format_local(closes)}截止。",
            closed_at=closes.isoformat(),
        )


def _resend_receipt(session: Session, application_id: int, now: dt.datetime) -> None:
    """Re-send the first receipt to the e-mail on file, a few times a day at most; a limit
    reached or no e-mail on file sends nothing, and the asker is told the same either way."""
    try:
        with write_unit(session):
            application = session.get(MeetingApplication, application_id)
            if application is None or not application.email:
                return
            limits.take(session, RECEIPT_RESENDS_PER_APPLICATION, str(application_id), now)
            enqueue(
                session,
                "meeting.application.receipt_resent",
                Contact(email=application.email),
                application_context(application),
                now,
            )
    except TooManyRequests:
        return
