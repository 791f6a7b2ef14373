"""Versions of a draft (第N稿): a revision during or after the window, with its reason and the
office's judgement whether it is material; and the final decided text, which closes the loop.

A material revision re-checks the window: it must stay open at least 5 working days after the
revision (the city rule, 《三门峡市政府重大行政决策预公开制度》第八条, counted from the revision
as from an opening). If it would close sooner, staff give a new close in the same request (an
extension shown publicly, reopening a closed window if need be) or the revision is refused,
saying the earliest lawful close. A version is public from the moment it is recorded (the
server's clock): it cannot be backdated (publisher.rules.public_record).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import select
from sqlalchemy.orm import Session

from consultation.articles import ParsedDraft, parse_draft
from consultation.drafts import get_draft, is_public, window_state
from consultation.models import ConsultationAttachment, ConsultationDraft, DraftVersion
from consultation.models import WindowExtension as Extension
from consultation.notify import tell_commenters, tell_followers
from consultation.vocabulary import WindowState
from publisher.errors import Conflict, NotFound, RuleViolation, ValidationFailed, required_text
from publisher.rules.predisclosure import ConsultationProfile
from publisher.rules.rulebook import RuleBook
from publisher.staff import audit
from publisher.staff.principal import StaffPrincipal
from publisher.storage.db import unit_of_work
from publisher.timeutil import format_local_en, format_local_end, to_local

MAX_QUOTE_CHARS = 500


@dataclass(frozen=True)
class Version:
    number: int
    text: str
    reason: str
    material: bool
    final: bool
    published_at: dt.datetime

    @property
    def parsed(self) -> ParsedDraft:
        return parsed_text(self.text)

    @property
    def label_zh(self) -> str:
        return "最终决定文本" if self.final else f"第{self.number}稿"


@lru_cache(maxsize=64)
def parsed_text(text: str) -> ParsedDraft:
    """Parsing is pure, so the parse of a text is kept (a page reads it several times)."""
    return parse_draft(text)


def versions_of(session: Session, draft: ConsultationDraft) -> list[Version]:
    rows = session.scalars(
        select(DraftVersion).where(DraftVersion.draft_id == draft.id).order_by(DraftVersion.number)
    ).all()
    if not rows:
        first = draft.published_at or draft.created_at
        return [Version(1, draft.draft_text, "", False, False, first)]
    return [Version(r.number, r.text, r.reason, r.material, r.final, r.published_at) for r in rows]


def version_of(session: Session, draft: ConsultationDraft, number: int) -> Version:
    for version in versions_of(session, draft):
        if version.number == number:
            return version
    raise NotFound(
        f"Consultation {draft.id} has no version {number}.",
        f"该征求意见没有第{number}稿。",
    )


def current_version(session: Session, draft: ConsultationDraft) -> Version:
    return versions_of(session, draft)[-1]


def final_version(session: Session, draft: ConsultationDraft) -> Version | None:
    last = current_version(session, draft)
    return last if last.final else None


def resolve_article(
    session: Session,
    draft: ConsultationDraft,
    key: str,
    quote: str,
    version: Version | None = None,
) -> tuple[int, str | None, str | None]:
    """(version number, article key or None for the whole draft, quote or None) of a comment
    made now: on the current version (`version`, when the caller read it already); the article
    must be one of it, the quote within it."""
    version = version or current_version(session, draft)
    key, quote = (key or "").strip(), " ".join((quote or "").split())
    if not key:
        if quote:
            raise ValidationFailed(
                "A quoted passage needs the article it is from.",
                "引用原文时请选择所涉条款。",
                field="article",
            )
        return version.number, None, None
    unit = version.parsed.unit(key)
    if unit is None:
        raise ValidationFailed(
            f"The draft has no article {key!r}.", "草案中没有所选的条款。", field="article"
        )
    if len(quote) > MAX_QUOTE_CHARS:
        raise ValidationFailed(
            "The quoted passage is too long.",
            f"引用的原文过长（最多{MAX_QUOTE_CHARS}字）。",
            field="quote",
        )
    if quote and quote not in " ".join(unit.text.split()):
        raise ValidationFailed(
            "The quoted passage is not in that article.",
            f"引用的文字不在{unit.label}中，请核对。",
            field="quote",
        )
    return version.number, unit.key, quote or None


@dataclass
class RevisionInput:
    reason: str
    text: str = ""
    #: take the text from this attachment's extracted text (a DOCX the staff uploaded)
    attachment_id: int | None = None
    material: bool = False
    final: bool = False
    closes_at: dt.datetime | None = None


def _revision_text(session: Session, draft: ConsultationDraft, data: RevisionInput) -> str:
    if data.text.strip() or data.attachment_id is None:
        return required_text(data.text, "text", "修改后的草案文本")
    attachment = session.get(ConsultationAttachment, data.attachment_id)
    if attachment is None or attachment.draft_id != draft.id:
        raise NotFound(
            f"No attachment {data.attachment_id}.", f"未找到编号为{data.attachment_id}的附件。"
        )
    if not attachment.text.strip():
        raise ValidationFailed(
            "No text could be extracted from this attachment.",
            "该附件无法提取文字，请粘贴草案文本。",
            field="attachment_id",
        )
    return attachment.text


@unit_of_work
def publish_version(
    session: Session,
    principal: StaffPrincipal,
    draft_id: int,
    data: RevisionInput,
    rules: RuleBook,
    now: dt.datetime,
) -> Version:
    """Publish a revised draft, or (final=True, after the window) the final decided text."""
    draft = get_draft(session, draft_id)
    reason = required_text(data.reason, "reason", "修改理由")
    text = _revision_text(session, draft, data).strip()
    if not is_public(draft, now):
        raise Conflict(
            "The draft is not public: only a public draft has versions.",
            "草案尚未公开，公开后才能发布修改稿。",
        )
    versions = versions_of(session, draft)
    if versions[-1].final:
        raise Conflict("The final text is published.", "最终决定文本已公布，不能再修改。")
    if data.final:
        if window_state(draft, now) is not WindowState.CLOSED:
            raise Conflict(
                "The final text comes after the window has closed.",
                f"征求意见尚未截止（截止时间{format_local_end(draft.closes_at)}），"
                "不能公布最终决定文本。",
            )
    elif draft.summary_published_at is not None:
        raise Conflict(
            "The adoption summary is published: only the final text may follow.",
            "意见采纳情况已公布，只能公布最终决定文本。",
        )
    if text == versions[-1].text:
        raise ValidationFailed(
            "The text is the same as the current version.",
            "修改后的文本与现行版本相同。",
            field="text",
        )
    number = versions[-1].number + 1
    material = data.material and not data.final
    if not data.final:
        _recheck_window(session, principal, draft, data.closes_at, material, number, rules, now)
    if session.scalar(select(DraftVersion.id).where(DraftVersion.draft_id == draft.id)) is None:
        first = versions[0]
        session.add(
            DraftVersion(
                draft_id=draft.id,
                number=1,
                text=first.text,
                reason="",
                material=False,
                final=False,
                published_at=first.published_at,
                published_by=draft.created_by,
            )
        )
    session.add(
        DraftVersion(
            draft_id=draft.id,
            number=number,
            text=text,
            reason=reason,
            material=material,
            final=data.final,
            published_at=now,
            published_by=principal.username,
        )
    )
    draft.draft_text = text
    draft.updated_at = now
    audit.record(
        session,
        principal,
        "consultation.final_text" if data.final else "consultation.revise",
        "consultation",
        draft.id,
        version=number,
        material=material,
        reason=reason,
    )
    return Version(number, text, reason, material, data.final, now)


def earliest_close_after_revision(now: dt.datetime, rules: RuleBook) -> dt.datetime:
    """5 working days after a material revision, counted as from an opening (第八条)."""
    return rules.earliest_consultation_close(now, ConsultationProfile.CITY).instant


def _recheck_window(
    session: Session,
    principal: StaffPrincipal,
    draft: ConsultationDraft,
    closes_at: dt.datetime | None,
    material: bool,
    number: int,
    rules: RuleBook,
    now: dt.datetime,
) -> None:
    if closes_at is not None and closes_at.tzinfo is None:
        raise ValidationFailed("closes_at must carry a time zone", "截止时间必须带时区")
    if closes_at is not None and closes_at <= draft.closes_at:
        raise ValidationFailed(
            "A window may only be extended.",
            f"征求意见期只能延长：新的截止时间须晚于{format_local_end(draft.closes_at)}。",
            field="closes_at",
        )
    earliest = earliest_close_after_revision(now, rules) if material else None
    if earliest is not None and max(draft.closes_at, closes_at or draft.closes_at) < earliest:
        raise RuleViolation(
            f"After a material revision the window must stay open at least 5 working days: "
            f"close it no earlier than {format_local_en(earliest)}.",
            f"草案作实质性修改后，征求意见期须至少再保留5个工作日：截止时间不得早于"
            f"{format_local_end(earliest)}。",
            field="closes_at",
            earliest_closes_at=to_local(earliest).isoformat(),
        )
    if closes_at is None:
        return
    reason = f"发布第{number}稿（{'实质性修改' if material else '修改'}），延长征求意见期"
    session.add(
        Extension(
            draft_id=draft.id,
            previous_closes_at=draft.closes_at,
            new_closes_at=closes_at,
            reason=reason,
            extended_at=now,
            extended_by=principal.username,
        )
    )
    draft.closes_at = closes_at
    draft.sequence += 1
    session.flush()
    closes = format_local_end(closes_at)
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
    audit.record(
        session,
        principal,
        "consultation.extend",
        "consultation",
        draft.id,
        new=closes_at.isoformat(),
        reason=reason,
    )
