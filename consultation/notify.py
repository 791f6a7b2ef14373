"""What commenters are told, through the outbox: the variables of their messages and who a
change to a consultation concerns (docs/notifications.md)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from consultation.models import Comment, ConsultationDraft, Follower
from publisher.notifications.outbox import Contact, enqueue, fan_out
from publisher.timeutil import format_local


def comment_context(comment: Comment) -> dict[str, str]:
    """The variables of every message to a commenter (no personal data)."""
    return {
        "title": comment.draft.title,
        "submitted": format_local(comment.submitted_at),
        "receipt": comment.receipt_code,
        "link": f"/c/{comment.receipt_code}",
    }


def tell_commenter(session: Session, comment: Comment, now: dt.datetime) -> int:
    """The receipt of a comment, unless it was caught as spam (the honeypot): a bot must not
    be able to make the service write to addresses it types."""
    if comment.flagged_spam:
        return 0
    contact = Contact(comment.email, comment.phone)
    return enqueue(session, "consultation.comment.received", contact, comment_context(comment), now)


def tell_commenters(
    session: Session, draft: ConsultationDraft, event: str, now: dt.datetime, **extra: str
) -> int:
    """Tell everyone who commented on the draft (not spam, not hidden), once per address."""
    commented = session.scalars(
        select(Comment)
        .where(
            Comment.draft_id == draft.id,
            Comment.flagged_spam.is_(False),
            Comment.hidden_at.is_(None),
            Comment.contact_erased_at.is_(None),
        )
        .order_by(Comment.id)
    ).all()
    people = [
        (
            Contact(c.email, c.phone),
            comment_context(c) | {"link": f"/consultations/{draft.id}"} | extra,
        )
        for c in commented
        if c.email or c.phone
    ]
    return fan_out(session, event, people, now)


def tell_followers(
    session: Session, draft: ConsultationDraft, event: str, now: dt.datetime, **extra: str
) -> int:
    """Tell every confirmed follower, each message with its own unsubscribe link."""
    followers = session.scalars(
        select(Follower).where(
            Follower.draft_id == draft.id,
            Follower.confirmed_at.is_not(None),
            Follower.unsubscribed_at.is_(None),
        )
    ).all()
    count = 0
    for follower in followers:
        context = {
            "title": draft.title,
            "link": f"/consultations/{draft.id}",
            "unsubscribe": f"/follow/unsubscribe?token={follower.token}",
        } | extra
        count += enqueue(session, event, Contact(email=follower.email), context, now)
    return count
