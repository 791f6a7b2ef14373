"""Advance notices of major meetings (公开预告): prepare, publish, edit or move, cancel, withdraw.

第三条 of the meeting pre-disclosure rules: a notice states time, place, main content and how
the public can take part, and goes out the required number of working days ahead. Each use
case owns its unit of work (`unit_of_work`): it takes the write lock, checks, writes, audits and
commits, so a refusal writes nothing.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from publisher.errors import Conflict, NotFound, ValidationFailed
from publisher.meetings.agenda_items import checked, items_from_text, numbered_text, replace_items
from publisher.meetings.attendance import promote_waiting
from publisher.meetings.following import tell_cancelled, tell_changed, tell_published
from publisher.meetings.history import MOVE_FIELDS
from publisher.meetings.models import AgendaItem, MeetingNotice, NoticeRevision
from publisher.meetings.notify import tell_attendees
from publisher.meetings.vocabulary import NoticeStatus
from publisher.rules.predisclosure import (
    Deadline,
    MeetingKind,
)
from publisher.rules.public_record import real_moment
from publisher.rules.rulebook import RuleBook
from publisher.staff import audit
from publisher.staff.principal import StaffPrincipal
from publisher.storage.db import unit_of_work
from publisher.timeutil import format_local

#: Public fields whose changes after publication go into the visible history.
PUBLIC_FIELDS = (
    "kind",
    "title",
    "starts_at",
    "ends_at",
    "place",
    "agenda",
    "participation",
    "application_deadline",
    "capacity",
    "media_allowed",
    "status",
    "cancel_reason",
    "withdrawal_reason",
)
#: Changes that matter to an attendee: each bumps ``sequence`` (iCalendar SEQUENCE); the
#: agenda is what the event's description announces.
ATTENDEE_FIELDS = frozenset({"starts_at", "ends_at", "place", "status", "agenda"})

EDITABLE_FIELDS = frozenset(PUBLIC_FIELDS) - {"status", "cancel_reason", "withdrawal_reason"} | {
    "withheld"
}

_REQUIRED_ZH = {
    "starts_at": ("time", "会议时间"),
    "place": ("place", "会议地点"),
    "agenda": ("main content", "主要内容"),
    "participation": ("how the public can take part", "公众参与方式"),
}


@dataclass
class NoticeDraft:
    """What staff type in when preparing a notice; all but kind and title may wait."""

    kind: MeetingKind
    title: str
    starts_at: dt.datetime | None = None
    ends_at: dt.datetime | None = None
    place: str = ""
    agenda: str = ""
    participation: str = ""
    application_deadline: dt.datetime | None = None
    capacity: int = 0
    media_allowed: bool = True
    withheld: bool = False
    publication_at: dt.datetime | None = None


def _aware(value: dt.datetime | None, what_en: str, what_zh: str) -> None:
    if value is not None and value.tzinfo is None:
        raise ValidationFailed(
            f"{what_en} must carry a time zone", f"{what_zh}必须带时区", field=what_en
        )


def _check_shape(notice: MeetingNotice) -> None:
    for name, zh in (
        ("starts_at", "会议开始时间"),
        ("ends_at", "会议结束时间"),
        ("application_deadline", "报名截止时间"),
    ):
        _aware(getattr(notice, name), name, zh)
    if not notice.title.strip():
        raise ValidationFailed("title is required", "请填写会议名称", field="title")
    if notice.starts_at and notice.ends_at and notice.ends_at <= notice.starts_at:
        raise ValidationFailed(
            "the meeting must end after it starts", "会议结束时间应晚于开始时间", field="ends_at"
        )
    if (
        notice.starts_at
        and notice.application_deadline
        and (notice.application_deadline > notice.starts_at)
    ):
        raise ValidationFailed(
            "the application deadline must not be after the meeting starts",
            "参会报名截止时间不得晚于会议开始时间",
            field="application_deadline",
        )
    if notice.capacity < 0:
        raise ValidationFailed("capacity must not be negative", "名额不能为负数", field="capacity")


def missing_for_publication(notice: MeetingNotice) -> list[str]:
    """第三条: time, place, main content and participation method must all be stated."""
    missing = []
    for name in _REQUIRED_ZH:
        value = getattr(notice, name)
        if value is None or (isinstance(value, str) and not value.strip()):
            missing.append(name)
    return missing


def require_publishable(notice: MeetingNotice) -> None:
    missing = missing_for_publication(notice)
    if missing:
        raise ValidationFailed(
            "The notice cannot be published without: "
            + ", ".join(_REQUIRED_ZH[m][0] for m in missing)
            + " (art. 3 of the meeting pre-disclosure rules).",
            "公开预告应载明会议时间、地点、主要内容及公众参与方式（第三条），尚缺："
            + "、".join(_REQUIRED_ZH[m][1] for m in missing),
            missing=missing,
        )


def publication_deadline(notice: MeetingNotice, rules: RuleBook) -> Deadline | None:
    """The latest lawful publication instant, with its explanation (None without a time)."""
    if notice.starts_at is None:
        return None
    return rules.latest_notice_publication(notice.starts_at, MeetingKind(notice.kind))


def _check_rule(notice: MeetingNotice, publication_at: dt.datetime, rules: RuleBook) -> None:
    assert notice.starts_at is not None
    rules.check_notice_publication(publication_at, notice.starts_at, MeetingKind(notice.kind))


@unit_of_work
def create_notice(
    session: Session,
    principal: StaffPrincipal,
    draft: NoticeDraft,
    now: dt.datetime,
    rules: RuleBook,
) -> MeetingNotice:
    """Prepare a notice; with ``publication_at`` it is scheduled at once (and checked)."""
    notice = MeetingNotice(
        kind=MeetingKind(draft.kind).value,
        title=draft.title.strip(),
        starts_at=draft.starts_at,
        ends_at=draft.ends_at,
        place=draft.place.strip(),
        participation=draft.participation.strip(),
        application_deadline=draft.application_deadline,
        capacity=draft.capacity,
        media_allowed=draft.media_allowed,
        withheld=draft.withheld,
        status=NoticeStatus.SCHEDULED.value,
        sequence=0,
        created_at=now,
        updated_at=now,
        created_by=principal.username,
    )
    items = checked(items_from_text(draft.agenda))
    replace_items(notice, items)
    notice.agenda = numbered_text(items)
    _check_shape(notice)
    if draft.publication_at is not None:
        _schedule(notice, draft.publication_at, now, rules)
    session.add(notice)
    session.flush()
    audit.record(
        session,
        principal,
        "meeting.create",
        "meeting_notice",
        notice.id,
        title=notice.title,
        publication_at=notice.published_at,
    )
    tell_published(session, notice, now)  # published at once; a later time: the worker's job
    return notice


def _schedule(
    notice: MeetingNotice,
    publication_at: dt.datetime | None,
    now: dt.datetime,
    rules: RuleBook,
) -> None:
    """Schedule at the real moment (never backdated), checking 第三条 against that moment."""
    moment = real_moment(publication_at, now, "publication_at", "publication time", "发布时间")
    require_publishable(notice)
    _check_rule(notice, moment, rules)
    notice.published_at = moment


def get_notice(session: Session, notice_id: int) -> MeetingNotice:
    notice = session.get(MeetingNotice, notice_id)
    if notice is None:
        raise NotFound(f"meeting {notice_id} not found", f"未找到编号为{notice_id}的会议")
    return notice


@unit_of_work
def publish_notice(
    session: Session,
    principal: StaffPrincipal,
    notice_id: int,
    publication_at: dt.datetime | None,
    now: dt.datetime,
    rules: RuleBook,
) -> MeetingNotice:
    """Set (or reset, while not yet public) the publication time, checking 第三条's lead
    against the real moment; None publishes now."""
    notice = get_notice(session, notice_id)
    if notice.is_public(now) or (notice.published_at is not None and notice.published_at <= now):
        raise Conflict(
            "The notice is already published; its publication time cannot change.",
            "该预告已发布，发布时间不能再改。",
        )
    refuse_if_ended(notice)
    _schedule(notice, publication_at, now, rules)
    notice.updated_at = now
    audit.record(
        session,
        principal,
        "meeting.publish",
        "meeting_notice",
        notice.id,
        publication_at=notice.published_at,
        requested_publication_at=publication_at,
    )
    tell_published(session, notice, now)  # a later publication: the outbox worker's job, then
    return notice


def _was_public(notice: MeetingNotice, now: dt.datetime) -> bool:
    """Published at or before now (withheld or not): the public may have seen it."""
    return notice.published_at is not None and notice.published_at <= now


def refuse_if_ended(notice: MeetingNotice) -> None:
    if notice.status == NoticeStatus.CANCELLED.value:
        raise Conflict("The meeting is cancelled; it cannot change.", "该会议已取消，不能再修改。")
    if notice.status == NoticeStatus.WITHDRAWN.value:
        raise Conflict("The notice was withdrawn; it cannot change.", "该预告已撤回，不能再修改。")


def _public_value(value: object) -> object:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    return value


def apply_changes(
    session: Session,
    notice: MeetingNotice,
    changes: dict[str, Any],
    now: dt.datetime,
    reason: str,
) -> dict[str, list[Any]]:
    """Apply ``changes``; if the notice is public, record a revision and bump sequence."""
    diff: dict[str, list[Any]] = {}
    for name, new in changes.items():
        old = getattr(notice, name)
        if old != new:
            if name in PUBLIC_FIELDS:
                diff[name] = [_public_value(old), _public_value(new)]
            setattr(notice, name, new)
    if diff and _was_public(notice, now):
        if ATTENDEE_FIELDS & set(diff):
            notice.sequence += 1
        session.add(
            NoticeRevision(
                notice_id=notice.id,
                changed_at=now,
                sequence=notice.sequence,
                changes=json.dumps(diff, ensure_ascii=False, sort_keys=True),
                reason=reason,
            )
        )
    if diff or "withheld" in changes:
        notice.updated_at = now
    return diff


def _lines(text: str) -> list[str]:
    return [line.rstrip() for line in text.strip().splitlines()]


@unit_of_work
def update_notice(
    session: Session,
    principal: StaffPrincipal,
    notice_id: int,
    changes: dict[str, Any],
    now: dt.datetime,
    rules: RuleBook,
    reason: str = "",
) -> MeetingNotice:
    """Edit or move a notice. A scheduled/published notice is re-checked: a move stands only if
    the original publication still gives the required lead before the new date."""
    notice = get_notice(session, notice_id)
    unknown = set(changes) - EDITABLE_FIELDS
    if unknown:
        raise ValidationFailed(
            f"fields cannot be edited: {', '.join(sorted(unknown))}",
            f"以下字段不能修改：{'、'.join(sorted(unknown))}",
        )
    emptied = sorted(
        name
        for name, value in changes.items()
        if value is None and not MeetingNotice.__table__.c[name].nullable
    )
    if emptied:
        raise ValidationFailed(
            f"fields cannot be set to null: {', '.join(emptied)} (leave them out to keep them)",
            f"以下字段不能置空：{'、'.join(emptied)}（不修改请不要提交该字段）",
        )
    refuse_if_ended(notice)
    if changes.get("withheld") and notice.is_public(now):
        raise Conflict(
            "A published notice cannot be made non-public: it would vanish without trace. "
            "Withdraw it instead, with a reason; the withdrawal stays public.",
            "已公开的预告不能改为不公开（那样会无痕消失）。如需撤下，请使用“撤回”并说明理由，"
            "撤回记录将公开。",
            field="withheld",
        )
    if "kind" in changes:
        changes["kind"] = MeetingKind(changes["kind"]).value
    for text in ("title", "place", "agenda", "participation"):
        if text in changes and isinstance(changes[text], str):
            changes[text] = changes[text].strip()
    items = None
    if isinstance(changes.get("agenda"), str):
        # typed main content replaces the items, unless it is their numbered list unchanged
        if _lines(changes["agenda"]) == _lines(notice.agenda):
            del changes["agenda"]
        else:
            items = checked(items_from_text(changes["agenda"]))
            changes["agenda"] = numbered_text(items)
    before = {name: getattr(notice, name) for name in changes}
    for name, value in changes.items():
        setattr(notice, name, value)
    try:
        _check_shape(notice)
        if notice.published_at is not None:
            require_publishable(notice)
            _check_rule(notice, notice.published_at, rules)
    except Exception:
        for name, value in before.items():
            setattr(notice, name, value)
        raise
    for name, value in before.items():
        setattr(notice, name, value)
    old_when, old_place = notice.starts_at, notice.place
    diff = apply_changes(session, notice, changes, now, reason)
    if items is not None and "agenda" in diff:
        replace_items(notice, items)
    if "capacity" in diff and notice.status == NoticeStatus.SCHEDULED.value:
        promote_waiting(session, notice, now)  # more places: the waiting list moves up
    if MOVE_FIELDS & set(diff) and _was_public(notice, now):
        tell_attendees(
            session,
            notice,
            "meeting.moved",
            now,
            old_when=format_local(old_when) if old_when else "",
            old_place=old_place,
            reason=reason.strip(),
        )
    if diff:
        tell_changed(session, notice, diff, now)
    audit.record(
        session,
        principal,
        "meeting.update",
        "meeting_notice",
        notice.id,
        changes=diff,
        reason=reason,
    )
    return notice


@unit_of_work
def cancel_notice(
    session: Session,
    principal: StaffPrincipal,
    notice_id: int,
    reason: str,
    now: dt.datetime,
) -> MeetingNotice:
    """Cancel; a published notice stays public, marked 已取消 with the reason."""
    notice = get_notice(session, notice_id)
    refuse_if_ended(notice)
    if not reason.strip():
        raise ValidationFailed(
            "A cancellation needs a reason.", "取消会议须说明理由。", field="reason"
        )
    apply_changes(
        session,
        notice,
        {"status": NoticeStatus.CANCELLED.value, "cancel_reason": reason.strip()},
        now,
        reason.strip(),
    )
    audit.record(session, principal, "meeting.cancel", "meeting_notice", notice.id, reason=reason)
    if _was_public(notice, now):
        tell_attendees(session, notice, "meeting.cancelled", now, reason=reason.strip())
        tell_cancelled(session, notice, now)
    return notice


@unit_of_work
def withdraw_notice(
    session: Session,
    principal: StaffPrincipal,
    notice_id: int,
    reason: str,
    now: dt.datetime,
) -> MeetingNotice:
    """Take a published notice down. Its title, the moment and the reason stay public (the
    reason may say only that the matter is secret by law); calendars get a cancellation. A
    notice not yet public needs no withdrawal: unschedule or withhold it instead."""
    notice = get_notice(session, notice_id)
    refuse_if_ended(notice)
    reason = reason.strip()
    if not reason:
        raise ValidationFailed(
            "A withdrawal needs a reason; it is shown publicly (it may say only that the "
            "matter is secret by law).",
            "撤回预告须说明理由，理由将公开（可仅说明“依法需要保密”）。",
            field="reason",
        )
    if not notice.is_public(now):
        raise Conflict(
            "The notice is not public yet: change its publication time or withhold it instead.",
            "该预告尚未公开，无需撤回：可修改发布时间或设为依法不公开。",
        )
    apply_changes(
        session,
        notice,
        {"status": NoticeStatus.WITHDRAWN.value, "withdrawal_reason": reason},
        now,
        reason,
    )
    notice.withdrawn_at = now
    audit.record(session, principal, "meeting.withdraw", "meeting_notice", notice.id, reason=reason)
    tell_attendees(session, notice, "meeting.withdrawn", now, reason=reason)
    return notice


def get_public_notice(session: Session, notice_id: int, now: dt.datetime) -> MeetingNotice:
    notice = session.get(
        MeetingNotice,
        notice_id,
        options=[
            selectinload(MeetingNotice.revisions),
            selectinload(MeetingNotice.agenda_items).selectinload(AgendaItem.documents),
            joinedload(MeetingNotice.outcome),
        ],
    )
    if notice is None or not notice.is_public(now):
        raise NotFound(f"meeting {notice_id} not found", f"未找到编号为{notice_id}的会议")
    return notice


def all_notices(session: Session) -> Sequence[MeetingNotice]:
    return session.scalars(select(MeetingNotice).order_by(MeetingNotice.id.desc())).all()
