"""The adoption summary (意见采纳情况, 第七条): published once the window has closed and every
comment is answered; shows counts and the masked text of consenting comments, never who.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from consultation.comments import refuse_after_summary
from consultation.drafts import get_draft, window_state
from consultation.models import Comment, ConsultationDraft
from consultation.notify import tell_commenters, tell_followers
from consultation.responses import WHOLE_DRAFT_ZH, article_labels
from consultation.vocabulary import Disposition, OutcomeRole, WindowState
from publisher.errors import Conflict, required_text
from publisher.privacy import mask_personal_text
from publisher.staff import audit
from publisher.staff.principal import StaffPrincipal
from publisher.storage.db import unit_of_work
from publisher.timeutil import format_local, format_local_en, format_local_end


@unit_of_work
def publish_summary(
    session: Session,
    principal: StaffPrincipal,
    draft_id: int,
    outcome_text: str,
    now: dt.datetime,
) -> ConsultationDraft:
    """Publish when the window has closed and every non-hidden comment is answered."""
    draft = get_draft(session, draft_id)
    outcome = required_text(outcome_text, "outcome_text", "决策结果说明")
    refuse_after_summary(draft)
    if window_state(draft, now) is not WindowState.CLOSED:
        raise Conflict(
            f"The consultation is still open until {format_local_en(draft.closes_at)}.",
            f"征求意见尚未截止（截止时间{format_local_end(draft.closes_at)}），不能公布采纳情况。",
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
    # not a revision of the deadline event: its SEQUENCE stays (RFC 5545 3.8.7.4)
    draft.updated_at = now
    audit.record(session, principal, "consultation.summary.publish", "consultation", draft.id)
    published = format_local(now)
    tell_commenters(session, draft, "consultation.summary.published", now, published=published)
    tell_followers(
        session,
        draft,
        "consultation.follow.summary",
        now,
        subject=f"consultation_draft:{draft.id}",
        published=published,
    )
    return draft


@dataclass(frozen=True)
class SummaryItem:
    number: int
    section: str
    text: str
    disposition: Disposition
    answer: str
    #: the article it concerns (None: the whole draft) and the version it was made on
    article_key: str | None = None
    version_number: int = 1


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
            article_key=c.article_key,
            version_number=c.version_number,
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
        linked = {o.role: o for o in draft.outcomes}
        outcome_fields = {}
        for role in OutcomeRole:
            link = linked.get(role.value)
            outcome_fields[role.value] = link.title if link else ""
            outcome_fields[f"{role.value}_url"] = link.path if link else ""
        labels = article_labels(session, draft)
        for item in summary.items:
            article = (
                labels.get((item.version_number, item.article_key), item.article_key)
                if item.article_key
                else WHOLE_DRAFT_ZH
            )
            rows.append(
                {
                    "consultation_id": draft.id,
                    "consultation_title": draft.title,
                    "closes_at": draft.closes_at.isoformat(),
                    "summary_published_at": summary.published_at.isoformat(),
                    "comments_total": summary.total,
                    "comment_number": item.number,
                    "version": item.version_number,
                    "article": article,
                    "section": item.section,
                    "comment_text": item.text,
                    "disposition": item.disposition.value,
                    "disposition_zh": item.disposition.label_zh,
                    "answer": item.answer,
                    **outcome_fields,
                }
            )
    return rows
