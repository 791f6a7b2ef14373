"""Domain rules of meeting pre-disclosure. Functions take a Session, the clock (``now``) and the
working-day calendar; they raise our own errors and never know about HTTP. Callers commit."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from publisher.errors import Conflict, NotFound, RuleViolation, ValidationFailed
from publisher.meetings.models import (
    ApplicationStatus,
    MeetingApplication,
    MeetingNotice,
    NoticeRevision,
    NoticeStatus,
    RepresentativeCategory,
    RepresentativeOpinion,
)
from publisher.receipts import new_receipt_code, normalise_receipt_code
from publisher.rules.predisclosure import (
    Deadline,
    MeetingKind,
    check_notice_publication,
    latest_notice_publication,
)
from publisher.rules.workcalendar import WorkCalendar
from publisher.staff import audit
from publisher.staff.principal import StaffPrincipal
from publisher.storage.db import begin_write
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
)
#: Changes that matter to an attendee: each bumps ``sequence`` (iCalendar SEQUENCE).
ATTENDEE_FIELDS = frozenset({"starts_at", "ends_at", "place", "status"})
EDITABLE_FIELDS = frozenset(PUBLIC_FIELDS) - {"status", "cancel_reason"} | {"withheld"}

_REQUIRED_ZH = {
    "starts_at": ("time", "会议时间"),
    "place": ("place", "会议地点"),
    "agenda": ("main content", "主要内容"),
    "participation": ("how the public can take part", "公众参与方式"),
}


# --------------------------------------------------------------------------------------------
# Notices
# --------------------------------------------------------------------------------------------


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


def _require_publishable(notice: MeetingNotice) -> None:
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


def publication_deadline(notice: MeetingNotice, calendar: WorkCalendar) -> Deadline | None:
    """The latest lawful publication instant, with its explanation (None without a time)."""
    if notice.starts_at is None:
        return None
    return latest_notice_publication(notice.starts_at, MeetingKind(notice.kind), calendar)


def _check_rule(notice: MeetingNotice, publication_at: dt.datetime, calendar: WorkCalendar) -> None:
    assert notice.starts_at is not None
    check_notice_publication(publication_at, notice.starts_at, MeetingKind(notice.kind), calendar)


def create_notice(
    session: Session,
    principal: StaffPrincipal,
    draft: NoticeDraft,
    now: dt.datetime,
    calendar: WorkCalendar,
) -> MeetingNotice:
    """Prepare a notice; with ``publication_at`` it is scheduled at once (and checked)."""
    notice = MeetingNotice(
        kind=MeetingKind(draft.kind).value,
        title=draft.title.strip(),
        starts_at=draft.starts_at,
        ends_at=draft.ends_at,
        place=draft.place.strip(),
        agenda=draft.agenda.strip(),
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
    _check_shape(notice)
    if draft.publication_at is not None:
        _schedule(notice, draft.publication_at, now, calendar)
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
    return notice


def _schedule(
    notice: MeetingNotice, publication_at: dt.datetime, now: dt.datetime, calendar: WorkCalendar
) -> None:
    _aware(publication_at, "publication_at", "发布时间")
    _require_publishable(notice)
    _check_rule(notice, publication_at, calendar)
    notice.published_at = publication_at


def get_notice(session: Session, notice_id: int) -> MeetingNotice:
    notice = session.get(MeetingNotice, notice_id)
    if notice is None:
        raise NotFound(f"meeting {notice_id} not found", f"未找到编号为{notice_id}的会议")
    return notice


def publish_notice(
    session: Session,
    principal: StaffPrincipal,
    notice_id: int,
    publication_at: dt.datetime,
    now: dt.datetime,
    calendar: WorkCalendar,
) -> MeetingNotice:
    """Set (or reset, while not yet public) the publication time, checking 第三条's lead."""
    notice = get_notice(session, notice_id)
    if notice.is_public(now) or (notice.published_at is not None and notice.published_at <= now):
        raise Conflict(
            "The notice is already published; its publication time cannot change.",
            "该预告已发布，发布时间不能再改。",
        )
    if notice.status == NoticeStatus.CANCELLED.value:
        raise Conflict("The meeting is cancelled.", "该会议已取消。")
    _schedule(notice, publication_at, now, calendar)
    notice.updated_at = now
    audit.record(
        session,
        principal,
        "meeting.publish",
        "meeting_notice",
        notice.id,
        publication_at=publication_at,
    )
    return notice


def _public_value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    return value


def _apply_changes(
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
    was_public = notice.published_at is not None and notice.published_at <= now
    if diff and was_public:
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


def update_notice(
    session: Session,
    principal: StaffPrincipal,
    notice_id: int,
    changes: dict[str, Any],
    now: dt.datetime,
    calendar: WorkCalendar,
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
    if notice.status == NoticeStatus.CANCELLED.value:
        raise Conflict("A cancelled meeting cannot be changed.", "已取消的会议不能再修改。")
    if "kind" in changes:
        changes["kind"] = MeetingKind(changes["kind"]).value
    for text in ("title", "place", "agenda", "participation"):
        if text in changes and isinstance(changes[text], str):
            changes[text] = changes[text].strip()
    before = {name: getattr(notice, name) for name in changes}
    for name, value in changes.items():
        setattr(notice, name, value)
    try:
        _check_shape(notice)
        if notice.published_at is not None:
            _require_publishable(notice)
            _check_rule(notice, notice.published_at, calendar)
    except Exception:
        for name, value in before.items():
            setattr(notice, name, value)
        raise
    for name, value in before.items():
        setattr(notice, name, value)
    diff = _apply_changes(session, notice, changes, now, reason)
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


def cancel_notice(
    session: Session,
    principal: StaffPrincipal,
    notice_id: int,
    reason: str,
    now: dt.datetime,
) -> MeetingNotice:
    """Cancel; a published notice stays public, marked 已取消 with the reason."""
    notice = get_notice(session, notice_id)
    if notice.status == NoticeStatus.CANCELLED.value:
        raise Conflict("The meeting is already cancelled.", "该会议已取消。")
    if not reason.strip():
        raise ValidationFailed(
            "A cancellation needs a reason.", "取消会议须说明理由。", field="reason"
        )
    _apply_changes(
        session,
        notice,
        {"status": NoticeStatus.CANCELLED.value, "cancel_reason": reason.strip()},
        now,
        reason.strip(),
    )
    audit.record(session, principal, "meeting.cancel", "meeting_notice", notice.id, reason=reason)
    return notice


def public_notices(session: Session, now: dt.datetime) -> Sequence[MeetingNotice]:
    """Notices the public may see at ``now``, soonest meeting first."""
    query = (
        select(MeetingNotice)
        .where(
            MeetingNotice.withheld.is_(False),
            MeetingNotice.published_at.is_not(None),
            MeetingNotice.published_at <= now,
        )
        .order_by(MeetingNotice.starts_at, MeetingNotice.id)
    )
    return session.scalars(query).all()


def get_public_notice(session: Session, notice_id: int, now: dt.datetime) -> MeetingNotice:
    notice = session.get(MeetingNotice, notice_id)
    if notice is None or not notice.is_public(now):
        raise NotFound(f"meeting {notice_id} not found", f"未找到编号为{notice_id}的会议")
    return notice


def all_notices(session: Session) -> Sequence[MeetingNotice]:
    return session.scalars(select(MeetingNotice).order_by(MeetingNotice.id.desc())).all()


def revision_changes(revision: NoticeRevision) -> dict[str, list[Any]]:
    changes: dict[str, list[Any]] = json.loads(revision.changes)
    return changes


# --------------------------------------------------------------------------------------------
# Attendance applications
# --------------------------------------------------------------------------------------------

_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^0\d{9,11}$")
_EMAIL = re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$")


def normalise_phone(raw: str) -> str:
    """Digits only, without the +86/0086 prefix; a mainland mobile or a landline with area code."""
    digits = re.sub(r"[\s\-()（）]", "", raw.strip())
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    if not (_MOBILE.match(digits) or _LANDLINE.match(digits)):
        raise ValidationFailed(
            "The phone number is not valid: give an 11-digit mobile number or a landline with "
            "its area code.",
            "电话号码格式不正确：请填写11位手机号码，或带区号的固定电话。",
            field="phone",
        )
    return digits


def normalise_email(raw: str | None) -> str | None:
    if raw is None or not raw.strip():
        return None
    value = raw.strip()
    if len(value) > 254 or not _EMAIL.match(value):
        raise ValidationFailed(
            "The e-mail address is not valid.", "电子邮箱格式不正确。", field="email"
        )
    return value


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
    begin_write(session)
    notice = session.scalar(
        select(MeetingNotice).where(MeetingNotice.id == notice_id).with_for_update()
    )
    if notice is None or not notice.is_public(now):
        raise NotFound(f"meeting {notice_id} not found", f"未找到编号为{notice_id}的会议")
    if notice.status != NoticeStatus.SCHEDULED.value:
        raise RuleViolation(
            "The meeting is cancelled; applications are closed.", "该会议已取消，不再接受参会申请。"
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
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
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


def decide_application(
    session: Session,
    principal: StaffPrincipal,
    notice_id: int,
    application_id: int,
    approve: bool,
    note: str,
    now: dt.datetime,
) -> MeetingApplication:
    """第六条: the office decides who attends. Approving past capacity is refused."""
    begin_write(session)
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


# --------------------------------------------------------------------------------------------
# Representatives' opinions (第七–八条)
# --------------------------------------------------------------------------------------------


def record_opinion(
    session: Session, application: MeetingApplication, body: str, now: dt.datetime, by: str
) -> RepresentativeOpinion:
    if application.status != ApplicationStatus.APPROVED.value:
        raise RuleViolation(
            "Only approved representatives may record opinions.",
            "只有获准列席的代表才能提交意见建议。",
        )
    text = body.strip()
    if not text:
        raise ValidationFailed("The opinion is empty.", "意见建议不能为空。", field="body")
    opinion = RepresentativeOpinion(
        application_id=application.id, body=text, recorded_by=by, created_at=now
    )
    session.add(opinion)
    session.flush()
    return opinion


def record_opinion_by_receipt(
    session: Session, receipt_code: str, body: str, now: dt.datetime
) -> RepresentativeOpinion:
    application = find_application(session, receipt_code)
    return record_opinion(session, application, body, now, "representative")


def record_opinion_by_staff(
    session: Session,
    principal: StaffPrincipal,
    notice_id: int,
    application_id: int,
    body: str,
    now: dt.datetime,
) -> RepresentativeOpinion:
    application = get_application(session, notice_id, application_id)
    opinion = record_opinion(session, application, body, now, principal.username)
    audit.record(
        session,
        principal,
        "meeting.opinion.record",
        "meeting_opinion",
        opinion.id,
        application_id=application.id,
    )
    return opinion


def list_opinions(session: Session, notice_id: int) -> Sequence[RepresentativeOpinion]:
    return session.scalars(
        select(RepresentativeOpinion)
        .join(MeetingApplication)
        .where(MeetingApplication.notice_id == notice_id)
        .order_by(RepresentativeOpinion.id)
    ).all()


def _get_opinion(session: Session, notice_id: int, opinion_id: int) -> RepresentativeOpinion:
    opinion = session.get(RepresentativeOpinion, opinion_id)
    if opinion is None or opinion.application.notice_id != notice_id:
        raise NotFound(f"opinion {opinion_id} not found", f"未找到编号为{opinion_id}的意见")
    return opinion


def assign_opinion(
    session: Session,
    principal: StaffPrincipal,
    notice_id: int,
    opinion_id: int,
    department: str,
    note: str,
    now: dt.datetime,
) -> RepresentativeOpinion:
    """交办: hand the opinion to a department for handling."""
    if not department.strip():
        raise ValidationFailed("Name the department.", "请填写承办单位。", field="department")
    opinion = _get_opinion(session, notice_id, opinion_id)
    opinion.department = department.strip()
    opinion.assignment_note = note.strip()
    opinion.assigned_at = now
    audit.record(
        session,
        principal,
        "meeting.opinion.assign",
        "meeting_opinion",
        opinion.id,
        department=opinion.department,
    )
    return opinion


def answer_opinion(
    session: Session,
    principal: StaffPrincipal,
    notice_id: int,
    opinion_id: int,
    answer: str,
    now: dt.datetime,
) -> RepresentativeOpinion:
    """第八条: answer the representative; visible to them by receipt code."""
    if not answer.strip():
        raise ValidationFailed("The answer is empty.", "答复内容不能为空。", field="answer")
    opinion = _get_opinion(session, notice_id, opinion_id)
    opinion.answer = answer.strip()
    opinion.answered_at = now
    opinion.answered_by = principal.username
    audit.record(session, principal, "meeting.opinion.answer", "meeting_opinion", opinion.id)
    return opinion
