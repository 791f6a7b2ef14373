"""What consultation gives the staff work queue (publisher.workqueue): unanswered comments per
consultation, windows closing within 3 working days, closed consultations without their
adoption summary. One statement per queue, whatever the number of drafts and comments."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import ColumnElement, Row, and_, func, select
from sqlalchemy.orm import Session

from consultation.models import Comment, ConsultationDraft
from publisher.staff.roles import Role
from publisher.workqueue import QueueContext, QueueRow, QueueSort, WorkQueue

#: "closes within 3 working days" (issue #16)
CLOSING_WITHIN_WORKING_DAYS = 3

_UNANSWERED = and_(Comment.disposition.is_(None), Comment.hidden_at.is_(None))


def _public_drafts() -> list[ColumnElement[bool]]:
    """Published, not secret: drafts whose window and summary the public is owed."""
    return [ConsultationDraft.published_at.is_not(None), ConsultationDraft.secret_by_law.is_(False)]


def unanswered_comments(session: Session, context: QueueContext) -> Sequence[QueueRow]:
    """Comments without a disposition (hidden ones excluded), per consultation, until its
    adoption summary closes the answering."""
    rows = session.execute(
        select(
            ConsultationDraft.id,
            ConsultationDraft.title,
            func.count(Comment.id),
            func.min(Comment.submitted_at),
        )
        .join(Comment, Comment.draft_id == ConsultationDraft.id)
        .where(_UNANSWERED, ConsultationDraft.summary_published_at.is_(None))
        .group_by(ConsultationDraft.id, ConsultationDraft.title)
    ).all()
    return [
        QueueRow(
            label=title,
            count=count,
            link=f"/staff/consultations/{draft_id}?status=unanswered#h-queue",
            waiting_since=oldest,
        )
        for draft_id, title, count, oldest in rows
    ]


def _with_unanswered_counts(
    session: Session, *conditions: ColumnElement[bool]
) -> Sequence[Row[int, str, dt.datetime, int]]:
    """Drafts the conditions keep, each with its number of unanswered comments."""
    return session.execute(
        select(
            ConsultationDraft.id,
            ConsultationDraft.title,
            ConsultationDraft.closes_at,
            func.count(Comment.id),
        )
        .outerjoin(Comment, and_(Comment.draft_id == ConsultationDraft.id, _UNANSWERED))
        .where(*conditions)
        .group_by(ConsultationDraft.id, ConsultationDraft.title, ConsultationDraft.closes_at)
    ).all()


def closing_soon(session: Session, context: QueueContext) -> Sequence[QueueRow]:
    """Open windows that close by the end of the 3rd working day after today."""
    horizon = context.working_days_horizon(CLOSING_WITHIN_WORKING_DAYS)
    rows = _with_unanswered_counts(
        session,
        *_public_drafts(),
        ConsultationDraft.closes_at > context.now,
        ConsultationDraft.closes_at <= horizon,
    )
    return [
        QueueRow(
            label=title,
            count=None,
            link=f"/staff/consultations/{draft_id}",
            due_at=closes_at,
            note=f"未答复意见{unanswered}条" if unanswered else "",
        )
        for draft_id, title, closes_at, unanswered in rows
    ]


def summary_due(session: Session, context: QueueContext) -> Sequence[QueueRow]:
    """Closed windows whose adoption summary (第七条) is not yet published: waiting since the
    close."""
    rows = _with_unanswered_counts(
        session,
        *_public_drafts(),
        ConsultationDraft.closes_at <= context.now,
        ConsultationDraft.summary_published_at.is_(None),
    )
    return [
        QueueRow(
            label=title,
            count=None,
            link=f"/staff/consultations/{draft_id}#h-summary",
            waiting_since=closes_at,
            note=f"未答复意见{unanswered}条" if unanswered else "意见均已答复",
        )
        for draft_id, title, closes_at, unanswered in rows
    ]


WORK_QUEUES = (
    WorkQueue(
        key="consultation-unanswered",
        title_zh="待答复的意见",
        title_en="Comments awaiting an answer",
        unit_zh="条意见",
        role=Role.EDITOR,
        rows=unanswered_comments,
    ),
    WorkQueue(
        key="consultation-closing",
        title_zh=f"{CLOSING_WITHIN_WORKING_DAYS}个工作日内截止的征求意见",
        title_en=f"Consultations closing within {CLOSING_WITHIN_WORKING_DAYS} working days",
        unit_zh="项征求意见",
        role=Role.EDITOR,
        rows=closing_soon,
        default_sort=QueueSort.DUE,
        sorts=(QueueSort.DUE, QueueSort.LABEL),
    ),
    WorkQueue(
        key="consultation-summary",
        title_zh="已截止、未公布采纳情况的征求意见",
        title_en="Closed consultations without an adoption summary",
        unit_zh="项征求意见",
        role=Role.REVIEWER,
        rows=summary_due,
        default_sort=QueueSort.WAITING,
        sorts=(QueueSort.WAITING, QueueSort.LABEL),
    ),
)
