"""Draft decisions (决策草案) and their comment windows: create, publish, extend.

A window's state is computed from the clock at read time (`window_state`), so it opens and
closes by itself. Each staff use case owns its unit of work (`unit_of_work`): write lock first,
then checks, writes and the audit entry, then commit; a refusal writes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session, selectinload

from consultation.models import ConsultationDraft, WindowExtension
from consultation.notify import tell_commenters, tell_followers, tell_opened
from consultation.vocabulary import WindowState
from publisher.errors import Conflict, NotFound, RuleViolation, ValidationFailed, required_text
from publisher.rules.predisclosure import ConsultationProfile, Deadline
from publisher.rules.public_record import real_moment
from publisher.rules.rulebook import RuleBook
from publisher.staff import audit
from publisher.staff.principal import StaffPrincipal
from publisher.storage.db import unit_of_work
from publisher.timeutil import format_local_en, format_local_end, to_local


def window_state(draft: ConsultationDraft, now: dt.datetime) -> WindowState:
    if now < draft.opens_at:
        return WindowState.UPCOMING
    if now < draft.closes_at:
        return WindowState.OPEN
    return WindowState.CLOSED


def page_steady(
    draft: ConsultationDraft, now: dt.datetime
) -> tuple[dt.datetime | None, dt.datetime | None]:
    """The instants between which time alone leaves a public draft's page as it is: its
    window's state changes when it opens and when it closes (the form comes and goes)."""
    if now < draft.opens_at:
        return None, draft.opens_at
    if now < draft.closes_at:
        return draft.opens_at, draft.closes_at
    return draft.closes_at, None


def is_public(draft: ConsultationDraft, now: dt.datetime) -> bool:
    """第四条 and 第三条: public only once published, never when secret by law."""
    return not draft.secret_by_law and draft.published_at is not None and draft.published_at <= now


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
    opens_at: dt.datetime, profile: ConsultationProfile, rules: RuleBook
) -> Deadline:
    return rules.earliest_consultation_close(opens_at, profile)


@unit_of_work
def create_draft(
    session: Session,
    principal: StaffPrincipal,
    data: DraftInput,
    rules: RuleBook,
    now: dt.datetime,
) -> ConsultationDraft:
    """Refuse a window shorter than the profile allows (RuleViolation says the earliest close)."""
    title = required_text(data.title, "title", "标题")
    draft_text = required_text(data.draft_text, "draft_text", "决策草案")
    basis_text = required_text(data.basis_text, "basis_text", "决策依据")
    reason = (data.shorter_reason or "").strip() or None
    # The window the public gets starts no earlier than now: neither the opening nor the
    # publication may be backdated, and the lawful check counts from the real moments.
    opens_at = real_moment(data.opens_at, now, "opens_at", "opening time", "征求意见开始时间")
    publish_at = (
        None
        if data.publish_at is None
        else real_moment(data.publish_at, now, "publish_at", "publication time", "发布时间")
    )
    data = replace(data, opens_at=opens_at, publish_at=publish_at)
    rules.check_consultation_window(data.opens_at, data.closes_at, data.profile, reason)
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
        shorter_reason=reason if _needs_reason(data, rules) else None,
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
    tell_opened(session, draft, now)  # published at once; a later time: the worker's job
    return draft


def _needs_reason(data: DraftInput, rules: RuleBook) -> bool:
    """A stated reason is kept (and shown) only when the window is shorter than Order 713's."""
    if ConsultationProfile(data.profile) is not ConsultationProfile.ORDER_713:
        return bool((data.shorter_reason or "").strip())
    national = rules.earliest_consultation_close(data.opens_at, data.profile)
    return data.closes_at < national.instant


def _touch(draft: ConsultationDraft, now: dt.datetime) -> None:
    draft.sequence += 1
    draft.updated_at = now


@unit_of_work
def publish_draft(
    session: Session,
    principal: StaffPrincipal,
    draft_id: int,
    now: dt.datetime,
    publish_at: dt.datetime | None = None,
) -> ConsultationDraft:
    draft = get_draft(session, draft_id)
    if draft.secret_by_law:
        raise RuleViolation(
            "A matter secret by law is never published (art. 4).",
            "依法需要保密的事项不予公开（《三门峡市政府重大行政决策预公开制度》第四条）。",
        )
    when = real_moment(publish_at, now, "publish_at", "publication time", "发布时间")
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
    tell_opened(session, draft, now)  # a later publication: the outbox worker's job, then
    return draft


@unit_of_work
def extend_window(
    session: Session,
    principal: StaffPrincipal,
    draft_id: int,
    new_closes_at: dt.datetime,
    reason: str,
    now: dt.datetime,
) -> ConsultationDraft:
    """Extend (never shorten) a window that has not closed; the extension is shown publicly."""
    draft = get_draft(session, draft_id)
    reason = required_text(reason, "reason", "延长理由")
    if new_closes_at.tzinfo is None:
        raise ValidationFailed("closes_at must carry a time zone", "截止时间必须带时区")
    if window_state(draft, now) is WindowState.CLOSED:
        raise Conflict(
            f"The consultation closed at {format_local_en(draft.closes_at)}; "
            "it cannot be extended.",
            f"征求意见已于{format_local_end(draft.closes_at)}截止，不能再延长。",
        )
    if new_closes_at <= draft.closes_at:
        raise ValidationFailed(
            f"A window may only be extended: the new close must be after "
            f"{format_local_en(draft.closes_at)}.",
            f"征求意见期只能延长，不能缩短：新的截止时间须晚于{format_local_end(draft.closes_at)}。",
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
    closes = format_local_end(new_closes_at)
    tell_commenters(session, draft, "consultation.extended", now, closes=closes, reason=reason)
    tell_followers(
        session,
        draft,
        "consultation.follow.extended",
        now,
        subject=f"consultation_draft:{draft.id}@{draft.closes_at.isoformat()}",
        closes=closes,
        reason=reason,
    )
    session.refresh(draft, ["extensions"])
    return draft


def get_draft(session: Session, draft_id: int) -> ConsultationDraft:
    draft = session.get(ConsultationDraft, draft_id)
    if draft is None:
        raise NotFound(f"No consultation {draft_id}.", f"未找到编号为{draft_id}的征求意见。")
    return draft


#: built once: every comment's write loads its draft with these (from the identity map but
#: the first time in a batch), and building the option cost more than the look-up (#15)
_WITH_EXTENSIONS = (selectinload(ConsultationDraft.extensions),)


def get_public_draft(session: Session, draft_id: int, now: dt.datetime) -> ConsultationDraft:
    draft = session.get(ConsultationDraft, draft_id, options=_WITH_EXTENSIONS)
    if draft is None or not is_public(draft, now):
        raise NotFound(f"No consultation {draft_id}.", f"未找到编号为{draft_id}的征求意见。")
    return draft


def list_drafts(session: Session) -> Sequence[ConsultationDraft]:
    return session.scalars(select(ConsultationDraft).order_by(ConsultationDraft.id.desc())).all()


def list_steady(
    session: Session, now: dt.datetime
) -> tuple[dt.datetime | None, dt.datetime | None]:
    """The last and the next instants at which time alone changes the public list: a draft
    published at a set time appears, a window opens or closes (one statement)."""
    listed = (
        ConsultationDraft.published_at.is_not(None),
        ConsultationDraft.secret_by_law.is_(False),
    )
    instants = (
        ConsultationDraft.published_at,
        ConsultationDraft.opens_at,
        ConsultationDraft.closes_at,
    )
    row = session.execute(
        select(
            *(func.max(case((instant <= now, instant))) for instant in instants),
            *(func.min(case((instant > now, instant))) for instant in instants),
        ).where(*listed)
    ).one()
    passed, coming = row[: len(instants)], row[len(instants) :]
    return (
        max((t for t in passed if t is not None), default=None),
        min((t for t in coming if t is not None), default=None),
    )


def list_public_drafts(session: Session, now: dt.datetime) -> list[ConsultationDraft]:
    rows = session.scalars(
        select(ConsultationDraft)
        .where(
            ConsultationDraft.published_at.is_not(None),
            ConsultationDraft.published_at <= now,
            ConsultationDraft.secret_by_law.is_(False),
        )
        .order_by(ConsultationDraft.closes_at.desc())
        .options(  # two queries in all, not two per draft (feeds read both)
            selectinload(ConsultationDraft.extensions),
            selectinload(ConsultationDraft.attachments),
            selectinload(ConsultationDraft.outcomes),
        )
    ).all()
    return list(rows)


def public_draft_stamps(session: Session, now: dt.datetime) -> list[tuple[int, dt.datetime]]:
    """(id, last change) of every draft the public may see at ``now``, in id order: the latest
    of its last edit, its publication and its adoption summary's publication."""
    rows = session.execute(
        select(
            ConsultationDraft.id,
            ConsultationDraft.updated_at,
            ConsultationDraft.published_at,
            ConsultationDraft.summary_published_at,
        )
        .where(
            ConsultationDraft.published_at.is_not(None),
            ConsultationDraft.published_at <= now,
            ConsultationDraft.secret_by_law.is_(False),
        )
        .order_by(ConsultationDraft.id)
    )
    stamps: list[tuple[int, dt.datetime]] = []
    for draft_id, updated, *later in rows:
        shown = [t for t in later if t is not None and t <= now]
        stamps.append((draft_id, max([updated, *shown])))
    return stamps
