"""Answers to comments (第六–七条): one disposition and reason for one or many comments, then
each commenter who left an e-mail address is told, after the commit.
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
from consultation.vocabulary import Disposition
from publisher.errors import NotFound, ValidationFailed, required_text
from publisher.mail import Mailer
from publisher.staff import audit
from publisher.staff.principal import StaffPrincipal
from publisher.storage.db import unit_of_work
from publisher.timeutil import format_local


@unit_of_work
def _record_answers(
    session: Session,
    principal: StaffPrincipal,
    draft_id: int,
    comment_ids: Sequence[int],
    disposition: Disposition,
    reason: str,
    now: dt.datetime,
) -> list[Comment]:
    """Record one disposition and reason for one or several comments (第六–七条).

    Committed before anyone is told (`answer_comments`)."""
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


@unit_of_work
def _mark_notified(session: Session, comment_ids: Sequence[int], now: dt.datetime) -> None:
    for comment in session.scalars(select(Comment).where(Comment.id.in_(comment_ids))):
        comment.notified_at = now


@dataclass(frozen=True)
class Answered:
    comments: list[Comment]
    emails_sent: int


def answer_comments(
    session: Session,
    principal: StaffPrincipal,
    draft_id: int,
    comment_ids: Sequence[int],
    disposition: Disposition,
    reason: str,
    now: dt.datetime,
    mailer: Mailer,
    base_url: str,
) -> Answered:
    """Record the answer (committed), then tell each commenter who gave an e-mail address; a
    mail server that is down loses nothing: the answer stays visible by receipt code."""
    comments = _record_answers(session, principal, draft_id, comment_ids, disposition, reason, now)
    sent = [
        note.comment_id
        for note in answer_notifications(comments, base_url)
        if mailer.send(note.to, note.subject, note.body)
    ]
    if sent:
        _mark_notified(session, sent, now)
    return Answered(comments, len(sent))
