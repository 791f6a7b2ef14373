"""What commenters are told, through the outbox: the variables of their messages and who a
change to a consultation concerns (docs/notifications.md)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from consultation.models import Comment, ConsultationDraft
from publisher.notifications.fanout import ScheduledAlert, alert_followers
from publisher.notifications.outbox import Contact, enqueue, fan_out
from publisher.notifications.vocabulary import TopicKind
from publisher.timeutil import format_local, format_local_end


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


def draft_topics(draft: ConsultationDraft) -> list[tuple[str, str]]:
    """The topics a draft's alerts go to, the most specific first (its unsubscribe link)."""
    topics = [(TopicKind.CONSULTATION.value, str(draft.id))]
    if draft.department:
        topics.append((TopicKind.DEPARTMENT.value, draft.department))
    return [*topics, (TopicKind.CONSULTATIONS.value, "")]


def tell_followers(
    session: Session,
    draft: ConsultationDraft,
    event: str,
    now: dt.datetime,
    *,
    subject: str,
    **extra: str,
) -> int | None:
    """Tell, once per `subject`, every confirmed follower of the draft, of its department or
    of all consultations: one message per address, with its own unsubscribe link."""
    context = {"title": draft.title, "link": f"/consultations/{draft.id}"} | extra
    return alert_followers(session, event, subject, draft_topics(draft), context, now)


OPENED = "follow.consultation.opened"


def _subject(draft_id: int) -> str:
    return f"consultation_draft:{draft_id}"


def tell_opened(session: Session, draft: ConsultationDraft, now: dt.datetime) -> int | None:
    """A draft public from now on: its department's and all consultations' followers are
    told, once (the staff write when it is published at once, else the scheduled job)."""
    published = draft.published_at
    if draft.secret_by_law or published is None or published > now:
        return None
    return tell_followers(
        session,
        draft,
        OPENED,
        now,
        subject=_subject(draft.id),
        department=draft.department or "—",
        opens=format_local(draft.opens_at),
        closes=format_local_end(draft.closes_at),
    )


def _published_between(session: Session, since: dt.datetime, now: dt.datetime) -> list[str]:
    rows = session.scalars(
        select(ConsultationDraft.id).where(
            ConsultationDraft.published_at > since,
            ConsultationDraft.published_at <= now,
            ConsultationDraft.secret_by_law.is_(False),
        )
    )
    return [_subject(draft_id) for draft_id in rows]


def _opened_now(session: Session, subject: str, now: dt.datetime) -> int | None:
    draft = session.get(ConsultationDraft, int(subject.rpartition(":")[2]))
    return None if draft is None else tell_opened(session, draft, now)


OPENED_ALERTS = ScheduledAlert(OPENED, _published_between, _opened_now)
