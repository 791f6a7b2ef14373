"""Answers to comments (第六–七条): one disposition and reason for one or many comments; each
commenter who left a contact is told through the outbox, in the same unit of work.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from consultation.comments import refuse_after_summary
from consultation.drafts import get_draft
from consultation.models import Comment
from consultation.notify import comment_context
from consultation.vocabulary import Disposition
from publisher.errors import NotFound, ValidationFailed, required_text
from publisher.notifications.outbox import Contact, DeliveryHook, enqueue
from publisher.staff import audit
from publisher.staff.principal import StaffPrincipal
from publisher.storage.db import unit_of_work


def _record_answers(
    session: Session,
    principal: StaffPrincipal,
    draft_id: int,
    comment_ids: Sequence[int],
    disposition: Disposition,
    reason: str,
    now: dt.datetime,
) -> list[Comment]:
    """Record one disposition and reason for one or several comments (第六–七条)."""
    draft = get_draft(session, draft_id)
    refuse_after_summary(draft)
    disposition = Disposition(disposition)
    reason = required_text(reason, "reason", "答复理由")
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


def mark_notified(session: Session, comment_id: int, now: dt.datetime) -> None:
    """The outbox worker delivered an answer: the comment's `notified_at` is that moment (the
    first delivery, when a commenter is told by both e-mail and SMS)."""
    comment = session.get(Comment, comment_id)
    if comment is not None and comment.notified_at is None and comment.answered_at is not None:
        comment.notified_at = now


#: the outbox's hook: answers delivered set `notified_at` (consultation.feature)
ANSWER_DELIVERED = DeliveryHook("consultation_comment.answer", mark_notified)


@dataclass(frozen=True)
class Answered:
    comments: list[Comment]
    messages_queued: int


@unit_of_work
def answer_comments(
    session: Session,
    principal: StaffPrincipal,
    draft_id: int,
    comment_ids: Sequence[int],
    disposition: Disposition,
    reason: str,
    now: dt.datetime,
) -> Answered:
    """Record the answer and put a message to each commenter who left a contact in the
    outbox, in one unit: nothing is sent inside the request, and nothing is lost if the mail
    server is down (the worker retries; the answer is visible by receipt code at once)."""
    return record_and_tell(session, principal, draft_id, comment_ids, disposition, reason, now)


def record_and_tell(
    session: Session,
    principal: StaffPrincipal,
    draft_id: int,
    comment_ids: Sequence[int],
    disposition: Disposition,
    reason: str,
    now: dt.datetime,
) -> Answered:
    """`answer_comments` inside a unit of work its caller owns (a group's answer)."""
    comments = _record_answers(session, principal, draft_id, comment_ids, disposition, reason, now)
    queued = 0
    for comment in comments:
        if comment.flagged_spam:  # caught by the honeypot: a bot must not steer our messages
            continue
        label = Disposition(comment.disposition or disposition).label_zh
        queued += enqueue(
            session,
            "consultation.comment.answered",
            Contact(comment.email, comment.phone),
            comment_context(comment) | {"disposition": label, "answer": comment.answer_text or ""},
            now,
            ref=(ANSWER_DELIVERED.ref_kind, comment.id),
        )
    return Answered(comments, queued)
