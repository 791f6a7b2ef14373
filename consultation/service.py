"""Decision pre-disclosure (《三门峡市政府重大行政决策预公开制度》): the domain, no HTTP.

Every function takes a Session and the current instant (`now`, from an injectable clock): a
window opens and closes by itself because its state is computed from the clock at read time.
Comment intake commits itself, because a receipt code may only be handed out once the comment
is durable. Staff actions are audited in the same transaction and committed by the caller.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from consultation.models import Comment, ConsultationDraft, WindowExtension
from publisher.errors import Conflict, NotFound, RuleViolation, TooManyRequests, ValidationFailed
from publisher.privacy import mask_personal_text
from publisher.receipts import new_receipt_code, normalise_receipt_code
from publisher.rules.predisclosure import (
    ConsultationProfile,
    Deadline,
    check_consultation_window,
    earliest_consultation_close,
)
from publisher.rules.workcalendar import WorkCalendar
from publisher.staff import audit
from publisher.staff.principal import StaffPrincipal
from publisher.storage.db import begin_write
from publisher.timeutil import format_local, now_utc, to_local

Clock = Callable[[], dt.datetime]
SYSTEM_CLOCK: Clock = now_utc

MAX_COMMENT_CHARS = 5000
MAX_SECTION_CHARS = 200
#: per-address limit on comments: RATE_LIMIT accepted comments per RATE_WINDOW
RATE_LIMIT = 10
RATE_WINDOW = dt.timedelta(minutes=10)


class WindowState(StrEnum):
    UPCOMING = "upcoming"
    OPEN = "open"
    CLOSED = "closed"

    @property
    def label_zh(self) -> str:
        return {"upcoming": "即将开始", "open": "正在征求意见", "closed": "已截止"}[self.value]


class Disposition(StrEnum):
    ADOPTED = "adopted"
    PARTLY_ADOPTED = "partly_adopted"
    NOT_ADOPTED = "not_adopted"
    OUT_OF_SCOPE = "out_of_scope"

    @property
    def label_zh(self) -> str:
        return DISPOSITION_ZH[self]


DISPOSITION_ZH = {
    Disposition.ADOPTED: "采纳",
    Disposition.PARTLY_ADOPTED: "部分采纳",
    Disposition.NOT_ADOPTED: "不予采纳",
    Disposition.OUT_OF_SCOPE: "不属于征求意见范围",
}


class Channel(StrEnum):
    """第五条: the portal (web form, API) and offline channels staff record."""

    WEB = "web"
    API = "api"
    FORUM = "forum"
    LETTER = "letter"
    HEARING = "hearing"
    EXPERT = "expert"
    GROUP = "group"
    OTHER = "other"

    @property
    def label_zh(self) -> str:
        return CHANNEL_ZH[self]


CHANNEL_ZH = {
    Channel.WEB: "网站表单",
    Channel.API: "数据接口",
    Channel.FORUM: "座谈会",
    Channel.LETTER: "书面征求意见",
    Channel.HEARING: "听证会",
    Channel.EXPERT: "专家论证",
    Channel.GROUP: "特定群体征求意见",
    Channel.OTHER: "其他渠道",
}
ONLINE_CHANNELS = frozenset({Channel.WEB, Channel.API})


def window_state(draft: ConsultationDraft, now: dt.datetime) -> WindowState:
    if now < draft.opens_at:
        return WindowState.UPCOMING
    if now < draft.closes_at:
        return WindowState.OPEN
    return WindowState.CLOSED


def is_public(draft: ConsultationDraft, now: dt.datetime) -> bool:
    """第四条 and 第三条: public only once published, never when secret by law."""
    return not draft.secret_by_law and draft.published_at is not None and draft.published_at <= now


# --------------------------------------------------------------------------------------------
# Drafts
# --------------------------------------------------------------------------------------------


@dataclass
class DraftInput:
    title: str
    draft_text: str
    basis_text: str
    opens_at: dt.datetime
    closes_at: dt.datetime
    profile: ConsultationProfile = ConsultationProfile.CITY
    explanation_text: str = ""
    department: str = ""
    shorter_reason: str | None = None
    publish_at: dt.datetime | None = None
    secret_by_law: bool = False


def earliest_close(
    opens_at: dt.datetime, profile: ConsultationProfile, calendar: WorkCalendar
) -> Deadline:
    return earliest_consultation_close(opens_at, profile, calendar)


def _required(value: str, field: str, zh: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationFailed(f"{field} is required", f"请填写{zh}", field=field)
    return value


def create_draft(
    session: Session,
    principal: StaffPrincipal,
    data: DraftInput,
    calendar: WorkCalendar,
    now: dt.datetime,
) -> ConsultationDraft:
    """Refuse a window shorter than the profile allows (RuleViolation says the earliest close)."""
    title = _required(data.title, "title", "标题")
    draft_text = _required(data.draft_text, "draft_text", "决策草案")
    basis_text = _required(data.basis_text, "basis_text", "决策依据")
    reason = (data.shorter_reason or "").strip() or None
    check_consultation_window(data.opens_at, data.closes_at, data.profile, calendar, reason)
    if data.publish_at is not None and data.publish_at > data.opens_at:
        raise ValidationFailed(
            "the draft must be published no later than the window opens",
            "草案发布时间不得晚于征求意见开始时间",
        )
    if data.secret_by_law and data.publish_at is not None:
        raise RuleViolation(
            "A matter secret by law is never published (art. 4).",
            "依法需要保密的事项不予公开（《三门峡市政府重大行政决策预公开制度》第四条）。",
        )
    draft = ConsultationDraft(
        title=title,
        department=data.department.strip(),
        draft_text=draft_text,
        basis_text=basis_text,
        explanation_text=data.explanation_text.strip(),
        profile=ConsultationProfile(data.profile).value,
        shorter_reason=reason if _needs_reason(data, calendar) else None,
        opens_at=data.opens_at,
        closes_at=data.closes_at,
        published_at=data.publish_at,
        secret_by_law=data.secret_by_law,
        sequence=0,
        created_at=now,
        updated_at=now,
        created_by=principal.username,
    )
    session.add(draft)
    session.flush()
    audit.record(
        session,
        principal,
        "consultation.create",
        "consultation",
        draft.id,
        opens_at=data.opens_at.isoformat(),
        closes_at=data.closes_at.isoformat(),
        profile=draft.profile,
        publish_at=data.publish_at.isoformat() if data.publish_at else None,
    )
    return draft


def _needs_reason(data: DraftInput, calendar: WorkCalendar) -> bool:
    """A stated reason is kept (and shown) only when the window is shorter than Order 713's."""
    if ConsultationProfile(data.profile) is not ConsultationProfile.ORDER_713:
        return bool((data.shorter_reason or "").strip())
    national = earliest_consultation_close(data.opens_at, data.profile, calendar)
    return data.closes_at < national.instant


def _touch(draft: ConsultationDraft, now: dt.datetime) -> None:
    draft.sequence += 1
    draft.updated_at = now


def publish_draft(
    session: Session,
    principal: StaffPrincipal,
    draft_id: int,
    now: dt.datetime,
    publish_at: dt.datetime | None = None,
) -> ConsultationDraft:
    begin_write(session)
    draft = get_draft(session, draft_id)
    if draft.secret_by_law:
        raise RuleViolation(
            "A matter secret by law is never published (art. 4).",
            "依法需要保密的事项不予公开（《三门峡市政府重大行政决策预公开制度》第四条）。",
        )
    when = publish_at or now
    if when > draft.opens_at:
        raise ValidationFailed(
            "the draft must be published no later than the window opens",
            "草案发布时间不得晚于征求意见开始时间",
        )
    if draft.published_at is not None and draft.published_at <= now:
        raise Conflict("The draft is already public.", "该草案已公开。")
    draft.published_at = when
    _touch(draft, now)
    audit.record(session, principal, "consultation.publish", "consultation", draft.id, at=when)
    return draft


def extend_window(
    session: Session,
    principal: StaffPrincipal,
    draft_id: int,
    new_closes_at: dt.datetime,
    reason: str,
    now: dt.datetime,
) -> ConsultationDraft:
    """Extend (never shorten) a window that has not closed; the extension is shown publicly."""
    begin_write(session)
    draft = get_draft(session, draft_id)
    reason = _required(reason, "reason", "延长理由")
    if new_closes_at.tzinfo is None:
        raise ValidationFailed("closes_at must carry a time zone", "截止时间必须带时区")
    if window_state(draft, now) is WindowState.CLOSED:
        raise Conflict(
            f"The consultation closed at {format_local(draft.closes_at)}; it cannot be extended.",
            f"征求意见已于{format_local(draft.closes_at)}截止，不能再延长。",
        )
    if new_closes_at <= draft.closes_at:
        raise ValidationFailed(
            f"A window may only be extended: the new close must be after "
            f"{format_local(draft.closes_at)}.",
            f"征求意见期只能延长，不能缩短：新的截止时间须晚于{format_local(draft.closes_at)}。",
            closes_at=to_local(draft.closes_at).isoformat(),
        )
    ext = WindowExtension(
        draft_id=draft.id,
        previous_closes_at=draft.closes_at,
        new_closes_at=new_closes_at,
        reason=reason,
        extended_at=now,
        extended_by=principal.username,
    )
    session.add(ext)
    audit.record(
        session,
        principal,
        "consultation.extend",
        "consultation",
        draft.id,
        previous=draft.closes_at.isoformat(),
        new=new_closes_at.isoformat(),
        reason=reason,
    )
    draft.closes_at = new_closes_at
    _touch(draft, now)
    session.flush()
    session.refresh(draft, ["extensions"])
    return draft


def get_draft(session: Session, draft_id: int) -> ConsultationDraft:
    draft = session.get(ConsultationDraft, draft_id)
    if draft is None:
        raise NotFound(f"No consultation {draft_id}.", f"未找到编号为{draft_id}的征求意见。")
    return draft


def get_public_draft(session: Session, draft_id: int, now: dt.datetime) -> ConsultationDraft:
    draft = session.get(
        ConsultationDraft, draft_id, options=[selectinload(ConsultationDraft.extensions)]
    )
    if draft is None or not is_public(draft, now):
        raise NotFound(f"No consultation {draft_id}.", f"未找到编号为{draft_id}的征求意见。")
    return draft


def list_drafts(session: Session) -> Sequence[ConsultationDraft]:
    return session.scalars(select(ConsultationDraft).order_by(ConsultationDraft.id.desc())).all()


def list_public_drafts(session: Session, now: dt.datetime) -> list[ConsultationDraft]:
    rows = session.scalars(
        select(ConsultationDraft)
        .where(
            ConsultationDraft.published_at.is_not(None),
            ConsultationDraft.published_at <= now,
            ConsultationDraft.secret_by_law.is_(False),
        )
        .order_by(ConsultationDraft.closes_at.desc())
    ).all()
    return list(rows)


# --------------------------------------------------------------------------------------------
# Comments
# --------------------------------------------------------------------------------------------


@dataclass
class CommentInput:
    text: str
    section: str = ""
    name: str = ""
    phone: str = ""
    email: str = ""
    anonymous: bool = False
    consent_publish: bool = False
    honeypot: str = ""


_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE_RE = re.compile(r"^\+?[0-9][0-9 \-]{5,30}$")
_NOT_WORD = re.compile(r"[\W_]+", re.UNICODE)


def text_fingerprint(text: str) -> str:
    """Normalised hash: NFKC, case-folded, without spaces or punctuation, so that a comment
    pasted twice with different spacing or punctuation is recognised as a near-duplicate."""
    norm = _NOT_WORD.sub("", unicodedata.normalize("NFKC", text).casefold())
    return hashlib.sha256(norm.encode("utf-8")).hexdigest()


def _validate_comment(data: CommentInput, require_contact: bool) -> CommentInput:
    text = (data.text or "").strip()
    if not text:
        raise ValidationFailed("The comment is empty.", "请填写意见内容。", field="text")
    if len(text) > MAX_COMMENT_CHARS:
        raise ValidationFailed(
            f"The comment is too long ({len(text)} characters; at most {MAX_COMMENT_CHARS}).",
            f"意见内容过长（{len(text)}字，最多{MAX_COMMENT_CHARS}字）。",
            field="text",
        )
    section = (data.section or "").strip()
    if len(section) > MAX_SECTION_CHARS:
        raise ValidationFailed(
            "The section reference is too long.", "所涉条款内容过长。", field="section"
        )
    name, phone, email = (data.name or "").strip(), (data.phone or "").strip(), data.email.strip()
    if data.anonymous:
        name = phone = email = ""  # an anonymous commenter leaves no identity behind
    else:
        if email and (len(email) > 254 or not _EMAIL_RE.match(email)):
            raise ValidationFailed("The e-mail address is not valid.", "电子邮箱格式不正确。")
        if phone and not _PHONE_RE.match(phone):
            raise ValidationFailed("The phone number is not valid.", "联系电话格式不正确。")
        if len(name) > 100:
            raise ValidationFailed("The name is too long.", "姓名过长。")
        if require_contact and not (phone or email):
            raise ValidationFailed(
                "Give a phone number or an e-mail address so that we can answer you, or tick "
                "'stay anonymous'.",
                "请留下联系电话或电子邮箱以便答复；如不愿留下，请勾选“匿名提交”。",
                field="contact",
            )
    return CommentInput(
        text=text,
        section=section,
        name=name,
        phone=phone,
        email=email,
        anonymous=data.anonymous,
        consent_publish=data.consent_publish,
        honeypot=data.honeypot,
    )


def _by_key(session: Session, draft_id: int, key: str) -> Comment | None:
    return session.scalars(
        select(Comment).where(Comment.draft_id == draft_id, Comment.idempotency_key == key)
    ).first()


def _check_rate(session: Session, ip: str, now: dt.datetime) -> None:
    since = now - RATE_WINDOW
    times = session.scalars(
        select(Comment.submitted_at)
        .where(Comment.ip_address == ip, Comment.submitted_at > since)
        .order_by(Comment.submitted_at)
        .limit(RATE_LIMIT)
    ).all()
    if len(times) >= RATE_LIMIT:
        retry_at = times[0] + RATE_WINDOW
        raise TooManyRequests(
            f"Too many comments from this address: at most {RATE_LIMIT} in "
            f"{int(RATE_WINDOW.total_seconds() // 60)} minutes. Try again after "
            f"{format_local(retry_at)} (Asia/Shanghai).",
            f"同一网络地址提交过于频繁（每{int(RATE_WINDOW.total_seconds() // 60)}分钟最多"
            f"{RATE_LIMIT}条）。请于{format_local(retry_at)}之后再提交，您写好的内容不会丢失，"
            f"可先复制保存。",
            retry_after_seconds=max(1, int((retry_at - now).total_seconds()) + 1),
            retry_at=to_local(retry_at).isoformat(),
        )


def submit_comment(
    session: Session,
    draft_id: int,
    data: CommentInput,
    now: dt.datetime,
    *,
    ip: str,
    channel: Channel,
    idempotency_key: str | None = None,
) -> tuple[Comment, bool]:
    """Accept a citizen's comment and commit it; returns (comment, created).

    A retry with the same idempotency key returns the first comment and stores nothing. The
    honeypot does not refuse: the comment is stored flagged as spam and the answer looks
    like any other, so a real person whose browser auto-filled the field loses nothing.
    """
    key = (idempotency_key or "").strip()[:100] or None
    begin_write(session)
    draft = get_public_draft(session, draft_id, now)
    if key is not None:
        existing = _by_key(session, draft_id, key)
        if existing is not None:
            session.rollback()
            return existing, False
    state = window_state(draft, now)
    if state is WindowState.UPCOMING:
        raise RuleViolation(
            f"The consultation opens at {format_local(draft.opens_at)} (Asia/Shanghai).",
            f"征求意见将于{format_local(draft.opens_at)}开始，届时欢迎提出意见。",
            opens_at=to_local(draft.opens_at).isoformat(),
        )
    if state is WindowState.CLOSED:
        raise RuleViolation(
            f"The consultation closed at {format_local(draft.closes_at)} (Asia/Shanghai); "
            f"comments are no longer accepted.",
            f"征求意见已于{format_local(draft.closes_at)}截止，不再接收意见。",
            closes_at=to_local(draft.closes_at).isoformat(),
        )
    data = _validate_comment(data, require_contact=True)
    _check_rate(session, ip, now)
    comment = _new_comment(session, draft, data, now, channel, ip, key, None)
    comment.flagged_spam = bool(data.honeypot.strip())
    try:
        session.flush()
        session.commit()
    except IntegrityError:
        # Another request with the same key committed first: return its row.
        session.rollback()
        if key is None:
            raise
        existing = _by_key(session, draft_id, key)
        if existing is None:
            raise
        return existing, False
    return comment, True


def _new_comment(
    session: Session,
    draft: ConsultationDraft,
    data: CommentInput,
    now: dt.datetime,
    channel: Channel,
    ip: str | None,
    key: str | None,
    recorded_by: str | None,
) -> Comment:
    fingerprint = text_fingerprint(data.text)
    duplicate_of = session.scalars(
        select(Comment.id)
        .where(Comment.draft_id == draft.id, Comment.text_hash == fingerprint)
        .order_by(Comment.id)
        .limit(1)
    ).first()
    comment = Comment(
        draft_id=draft.id,
        receipt_code=new_receipt_code("YJ"),
        idempotency_key=key,
        channel=channel.value,
        body=data.text,
        section=data.section,
        commenter_name=data.name or None,
        phone=data.phone or None,
        email=data.email or None,
        anonymous=data.anonymous,
        consent_publish=data.consent_publish,
        ip_address=ip,
        text_hash=fingerprint,
        duplicate_of_id=duplicate_of,
        submitted_at=now,
        recorded_by=recorded_by,
    )
    session.add(comment)
    return comment


def record_offline_comment(
    session: Session,
    principal: StaffPrincipal,
    draft_id: int,
    data: CommentInput,
    channel: Channel,
    now: dt.datetime,
    received_at: dt.datetime | None = None,
) -> Comment:
    """Staff record an opinion from a forum, letter, hearing… (第五条), also after closing."""
    channel = Channel(channel)
    if channel in ONLINE_CHANNELS:
        raise ValidationFailed(
            "Offline opinions need an offline channel.", "请选择线下征求意见渠道。"
        )
    begin_write(session)
    draft = get_draft(session, draft_id)
    if draft.summary_published_at is not None:
        raise Conflict(
            "The adoption summary is already published.", "意见采纳情况已公布，不能再补录意见。"
        )
    data = _validate_comment(data, require_contact=False)
    comment = _new_comment(
        session, draft, data, received_at or now, channel, None, None, principal.username
    )
    session.flush()
    audit.record(
        session,
        principal,
        "consultation.comment.record",
        "consultation_comment",
        comment.id,
        draft_id=draft.id,
        channel=channel.value,
    )
    return comment


def get_comment_by_receipt(session: Session, code: str) -> Comment:
    normal = normalise_receipt_code(code)
    comment = session.scalars(
        select(Comment).where(Comment.receipt_code == normal).options(selectinload(Comment.draft))
    ).first()
    if comment is None:
        raise NotFound(
            "No comment has this receipt code.", "未找到该回执编号对应的意见，请核对后重试。"
        )
    return comment


class QueueFilter(StrEnum):
    ALL = "all"
    UNANSWERED = "unanswered"
    ANSWERED = "answered"
    FLAGGED = "flagged"
    HIDDEN = "hidden"


def comment_queue(
    session: Session, draft_id: int, status: QueueFilter = QueueFilter.ALL
) -> Sequence[Comment]:
    get_draft(session, draft_id)
    query = select(Comment).where(Comment.draft_id == draft_id).order_by(Comment.id)
    if status is QueueFilter.UNANSWERED:
        query = query.where(Comment.disposition.is_(None), Comment.hidden_at.is_(None))
    elif status is QueueFilter.ANSWERED:
        query = query.where(Comment.disposition.is_not(None))
    elif status is QueueFilter.FLAGGED:
        query = query.where(
            (Comment.flagged_spam.is_(True)) | (Comment.duplicate_of_id.is_not(None))
        )
    elif status is QueueFilter.HIDDEN:
        query = query.where(Comment.hidden_at.is_not(None))
    return session.scalars(query).all()


def set_hidden(
    session: Session,
    principal: StaffPrincipal,
    draft_id: int,
    comment_id: int,
    hidden: bool,
    reason: str,
    now: dt.datetime,
) -> Comment:
    """Moderation hides (or shows again) with a logged reason; nothing is ever deleted."""
    begin_write(session)
    comment = _comment_of(session, draft_id, comment_id)
    reason = _required(reason, "reason", "理由")
    _refuse_after_summary(comment.draft)
    if hidden:
        comment.hidden_at, comment.hidden_reason = now, reason
        comment.hidden_by = principal.username
    else:
        comment.hidden_at = comment.hidden_reason = comment.hidden_by = None
    audit.record(
        session,
        principal,
        "consultation.comment.hide" if hidden else "consultation.comment.unhide",
        "consultation_comment",
        comment.id,
        reason=reason,
    )
    return comment


def _comment_of(session: Session, draft_id: int, comment_id: int) -> Comment:
    comment = session.get(Comment, comment_id)
    if comment is None or comment.draft_id != draft_id:
        raise NotFound(f"No comment {comment_id}.", f"未找到编号为{comment_id}的意见。")
    return comment


def _refuse_after_summary(draft: ConsultationDraft) -> None:
    if draft.summary_published_at is not None:
        raise Conflict(
            "The adoption summary is published; the answers are final.",
            "意见采纳情况已公布，答复不能再更改。",
        )


def answer_comments(
    session: Session,
    principal: StaffPrincipal,
    draft_id: int,
    comment_ids: Sequence[int],
    disposition: Disposition,
    reason: str,
    now: dt.datetime,
) -> list[Comment]:
    """Record one disposition and reason for one or several comments (第六–七条).

    The caller commits, then sends the e-mails (`answer_notifications`)."""
    begin_write(session)
    draft = get_draft(session, draft_id)
    _refuse_after_summary(draft)
    disposition = Disposition(disposition)
    reason = _required(reason, "reason", "答复理由")
    if not comment_ids:
        raise ValidationFailed("Choose at least one comment.", "请至少选择一条意见。")
    ids = sorted(set(comment_ids))
    comments = list(
        session.scalars(
            select(Comment).where(Comment.id.in_(ids), Comment.draft_id == draft_id)
        ).all()
    )
    missing = sorted(set(ids) - {c.id for c in comments})
    if missing:
        raise NotFound(
            f"No comments {missing} on this consultation.",
            f"本次征求意见中没有编号为{'、'.join(map(str, missing))}的意见。",
        )
    for comment in comments:
        comment.disposition = disposition.value
        comment.answer_text = reason
        comment.answered_at = now
        comment.answered_by = principal.username
        comment.notified_at = None
    audit.record(
        session,
        principal,
        "consultation.answer",
        "consultation",
        draft_id,
        comment_ids=ids,
        disposition=disposition.value,
    )
    return comments


@dataclass(frozen=True)
class Notification:
    comment_id: int
    to: str
    subject: str
    body: str


def answer_notifications(comments: Sequence[Comment], base_url: str) -> list[Notification]:
    notes = []
    for c in comments:
        if not c.email or c.disposition is None:
            continue
        disposition = Disposition(c.disposition)
        subject = f"您对《{c.draft.title}》提出的意见已有答复（{c.receipt_code}）"
        body = (
            f"您好：\n\n您于{format_local(c.submitted_at)}对《{c.draft.title}》提出的意见"
            f"（回执编号 {c.receipt_code}）已办理。\n\n处理结果：{disposition.label_zh}\n"
            f"答复：{c.answer_text}\n\n可随时凭回执编号查询：{base_url.rstrip('/')}"
            f"/comments/status?code={c.receipt_code}\n\n三门峡市人民政府办公室\n"
        )
        notes.append(Notification(c.id, c.email, subject, body))
    return notes


def mark_notified(session: Session, comment_ids: Sequence[int], now: dt.datetime) -> None:
    if not comment_ids:
        return
    begin_write(session)
    for comment in session.scalars(select(Comment).where(Comment.id.in_(comment_ids))):
        comment.notified_at = now
    session.commit()


# --------------------------------------------------------------------------------------------
# Adoption summary (意见采纳情况)
# --------------------------------------------------------------------------------------------


def publish_summary(
    session: Session,
    principal: StaffPrincipal,
    draft_id: int,
    outcome_text: str,
    now: dt.datetime,
) -> ConsultationDraft:
    """Publish when the window has closed and every non-hidden comment is answered."""
    begin_write(session)
    draft = get_draft(session, draft_id)
    outcome = _required(outcome_text, "outcome_text", "决策结果说明")
    _refuse_after_summary(draft)
    if window_state(draft, now) is not WindowState.CLOSED:
        raise Conflict(
            f"The consultation is still open until {format_local(draft.closes_at)}.",
            f"征求意见尚未截止（截止时间{format_local(draft.closes_at)}），不能公布采纳情况。",
        )
    unanswered = session.scalar(
        select(func.count())
        .select_from(Comment)
        .where(
            Comment.draft_id == draft_id,
            Comment.hidden_at.is_(None),
            Comment.disposition.is_(None),
        )
    )
    if unanswered:
        raise Conflict(
            f"{unanswered} comment(s) still have no answer.",
            f"还有{unanswered}条意见尚未答复，全部答复后才能公布意见采纳情况。",
            unanswered=unanswered,
        )
    draft.outcome_text = outcome
    draft.summary_published_at = now
    _touch(draft, now)
    audit.record(session, principal, "consultation.summary.publish", "consultation", draft.id)
    return draft


@dataclass(frozen=True)
class SummaryItem:
    number: int
    section: str
    text: str
    disposition: Disposition
    answer: str


@dataclass(frozen=True)
class AdoptionSummary:
    published_at: dt.datetime
    outcome_text: str
    total: int
    counts: dict[Disposition, int]
    items: list[SummaryItem]


def adoption_summary(session: Session, draft: ConsultationDraft) -> AdoptionSummary | None:
    """The public summary: masked text of consenting comments only, never who said it."""
    if draft.summary_published_at is None or draft.outcome_text is None:
        return None
    comments = session.scalars(
        select(Comment)
        .where(Comment.draft_id == draft.id, Comment.hidden_at.is_(None))
        .order_by(Comment.id)
    ).all()
    counts: Counter[Disposition] = Counter(
        Disposition(c.disposition) for c in comments if c.disposition
    )
    items = [
        SummaryItem(
            number=n,
            section=mask_personal_text(c.section),
            text=mask_personal_text(c.body),
            disposition=Disposition(c.disposition),
            answer=mask_personal_text(c.answer_text or ""),
        )
        for n, c in enumerate(comments, start=1)
        if c.consent_publish and c.disposition
    ]
    return AdoptionSummary(
        published_at=draft.summary_published_at,
        outcome_text=draft.outcome_text,
        total=len(comments),
        counts={d: counts.get(d, 0) for d in Disposition},
        items=items,
    )


def adoption_summary_rows(session: Session) -> list[dict[str, Any]]:
    """Open-data rows: one per published summary item; no personal data, no receipt codes."""
    drafts = session.scalars(
        select(ConsultationDraft)
        .where(
            ConsultationDraft.summary_published_at.is_not(None),
            ConsultationDraft.secret_by_law.is_(False),
        )
        .order_by(ConsultationDraft.id)
    ).all()
    rows: list[dict[str, Any]] = []
    for draft in drafts:
        summary = adoption_summary(session, draft)
        if summary is None:
            continue
        for item in summary.items:
            rows.append(
                {
                    "consultation_id": draft.id,
                    "consultation_title": draft.title,
                    "closes_at": draft.closes_at.isoformat(),
                    "summary_published_at": summary.published_at.isoformat(),
                    "comments_total": summary.total,
                    "comment_number": item.number,
                    "section": item.section,
                    "comment_text": item.text,
                    "disposition": item.disposition.value,
                    "disposition_zh": item.disposition.label_zh,
                    "answer": item.answer,
                }
            )
    return rows
