"""What the self-inspection (自查) sees of decision pre-disclosure: its section, comments left
unanswered (互动回应差, a veto indicator), closed consultations without their adoption summary
(第七条), and publication dates earlier than the record was made (弄虚作假)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import ColumnElement, func, or_, select

from consultation.models import Comment, ConsultationDraft
from publisher.inspection.model import (
    NOTICE_SECTION,
    Finding,
    InspectionContext,
    Level,
    Section,
    by_age,
)
from publisher.timeutil import format_local

MONTH = dt.timedelta(days=30)
QUARTER = dt.timedelta(days=90)
#: an adoption summary is due with the decision; a month after the close it is overdue
SUMMARY_DUE = dt.timedelta(days=30)


def _public() -> tuple[ColumnElement[bool], ...]:
    return (
        ConsultationDraft.published_at.is_not(None),
        ConsultationDraft.secret_by_law.is_(False),
    )


def latest_public_change(ctx: InspectionContext) -> dt.datetime | None:
    """The newest publication: a draft or an adoption summary."""
    drafts = ConsultationDraft
    published, summary = ctx.session.execute(
        select(
            func.max(drafts.published_at).filter(drafts.published_at <= ctx.now),
            func.max(drafts.summary_published_at).filter(drafts.summary_published_at <= ctx.now),
        ).where(drafts.secret_by_law.is_(False))
    ).one()
    found = [m for m in (published, summary) if m is not None]
    return max(found) if found else None


SECTION = Section(
    name="决策征求意见",
    path="/consultations",
    stale_after=NOTICE_SECTION,
    latest=latest_public_change,
)


def unanswered_comments(ctx: InspectionContext) -> Sequence[Finding]:
    waiting = ctx.session.execute(
        select(
            ConsultationDraft.id,
            ConsultationDraft.title,
            Comment.receipt_code,
            Comment.submitted_at,
        )
        .join(ConsultationDraft, Comment.draft_id == ConsultationDraft.id)
        .where(
            Comment.answered_at.is_(None),
            Comment.hidden_at.is_(None),
            Comment.flagged_spam.is_(False),
            Comment.duplicate_of_id.is_(None),
        )
        .order_by(Comment.submitted_at)
    ).all()
    ages = [
        (f"《{title}》回执码 {code}（{format_local(submitted)} 提交）", ctx.now - submitted)
        for _, title, code, submitted in waiting
    ]
    level, evidence = by_age(ages, MONTH, QUARTER)
    drafts = sorted({draft_id for draft_id, *_ in waiting})
    return [
        Finding(
            indicator="互动回应：公众意见答复",
            threshold="意见超过3个月未答复即单项否决（互动回应差）；超过1个月预警",
            veto=True,
            level=level,
            evidence=evidence,
            action="在工作台答复这些意见："
            + "、".join(f"/staff/consultations/{d}" for d in drafts[:10])
            if evidence
            else "",
        )
    ]


def summaries_due(ctx: InspectionContext) -> Sequence[Finding]:
    closed = ctx.session.execute(
        select(ConsultationDraft.id, ConsultationDraft.title, ConsultationDraft.closes_at)
        .where(
            *_public(),
            ConsultationDraft.closes_at <= ctx.now,
            ConsultationDraft.summary_published_at.is_(None),
        )
        .order_by(ConsultationDraft.closes_at)
    ).all()
    overdue = [row for row in closed if ctx.now - row.closes_at > SUMMARY_DUE]
    level = Level.FAIL if overdue else Level.WARN if closed else Level.PASS
    return [
        Finding(
            indicator="意见采纳情况公开",
            threshold="征求意见结束后公开意见采纳情况（决策预公开制度第七条）；结束超过30天未公开为不合格",
            veto=False,
            level=level,
            evidence=tuple(
                f"《{title}》（{format_local(closes)} 截止，/staff/consultations/{draft_id}）"
                for draft_id, title, closes in closed
            ),
            action="发布意见采纳情况" if closed else "",
        )
    ]


def backdated(ctx: InspectionContext) -> Sequence[Finding]:
    """A publication instant earlier than the record's creation: a forged date."""
    forged = ctx.session.execute(
        select(ConsultationDraft.id, ConsultationDraft.title).where(
            or_(
                ConsultationDraft.published_at < ConsultationDraft.created_at,
                ConsultationDraft.opens_at < ConsultationDraft.created_at,
            )
        )
    ).all()
    return [
        Finding(
            indicator="弄虚作假：征求意见发布时间",
            threshold="伪造发稿日期即单项否决",
            veto=True,
            level=Level.FAIL if forged else Level.PASS,
            evidence=tuple(f"《{title}》（/staff/consultations/{i}）" for i, title in forged),
            action="核查这些记录的发布时间是否被改动" if forged else "",
        )
    ]


CHECKS = (unanswered_comments, summaries_due, backdated)
