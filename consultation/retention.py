"""How long comments keep their commenters' personal data.

A commenter's name and contact details serve to tell them how their comment was handled (第七条
of the decision rules) and to answer questions about it. That is done once the adoption
summary is out, so they are erased 180 days after it is published; a consultation that never
publishes one keeps them 2 years after its window closed. The comment itself, its disposition
and reason stay: they are the public record. See docs/privacy.md.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import String, and_, cast, delete, or_, select, update
from sqlalchemy.orm import Session

from consultation.models import Comment, ConsultationDraft
from publisher.notifications.models import Subscription
from publisher.notifications.vocabulary import TopicKind
from publisher.retention import RetentionRule

CONTACT_DAYS_AFTER_SUMMARY = 180
CONTACT_DAYS_WITHOUT_SUMMARY = 730


def erase_commenter_contacts(session: Session, now: dt.datetime) -> int:
    """Erase what is due; returns how many comments were erased."""
    summarised_long_ago = ConsultationDraft.summary_published_at <= now - dt.timedelta(
        days=CONTACT_DAYS_AFTER_SUMMARY
    )
    closed_long_ago = and_(
        ConsultationDraft.summary_published_at.is_(None),
        ConsultationDraft.closes_at <= now - dt.timedelta(days=CONTACT_DAYS_WITHOUT_SUMMARY),
    )
    due = select(ConsultationDraft.id).where(or_(summarised_long_ago, closed_long_ago))
    erased = session.execute(
        update(Comment)
        .where(Comment.draft_id.in_(due), Comment.contact_erased_at.is_(None))
        .values(commenter_name=None, phone=None, email=None, contact_erased_at=now)
    )
    return int(getattr(erased, "rowcount", 0) or 0)


COMMENTER_CONTACTS = RetentionRule(
    name="commenter-contacts",
    description=(
        f"commenters' name, phone and e-mail {CONTACT_DAYS_AFTER_SUMMARY} days after the "
        f"adoption summary ({CONTACT_DAYS_WITHOUT_SUMMARY} days after closing without one)"
    ),
    erase=erase_commenter_contacts,
)


#: a follower's address serves until the consultation has nothing more to tell (its summary)
FOLLOWER_DAYS_AFTER_SUMMARY = 30
UNCONFIRMED_FOLLOWER_DAYS = 7


def forget_followers(session: Session, now: dt.datetime) -> int:
    """Delete follows whose purpose is over: one consultation's, 30 days after its summary;
    any topic's, when they left or never confirmed within 7 days. Returns how many."""
    summarised = select(cast(ConsultationDraft.id, String)).where(
        ConsultationDraft.summary_published_at
        <= now - dt.timedelta(days=FOLLOWER_DAYS_AFTER_SUMMARY)
    )
    forgotten = session.execute(
        delete(Subscription).where(
            or_(
                and_(
                    Subscription.topic_kind == TopicKind.CONSULTATION.value,
                    Subscription.topic_key.in_(summarised),
                ),
                Subscription.unsubscribed_at.is_not(None),
                and_(
                    Subscription.confirmed_at.is_(None),
                    Subscription.requested_at <= now - dt.timedelta(days=UNCONFIRMED_FOLLOWER_DAYS),
                ),
            )
        )
    )
    return int(getattr(forgotten, "rowcount", 0) or 0)


FOLLOWERS = RetentionRule(
    name="consultation-followers",
    description=(
        f"followers' e-mail addresses (any topic) at once when they unsubscribe, "
        f"{UNCONFIRMED_FOLLOWER_DAYS} days if never confirmed; of one consultation "
        f"{FOLLOWER_DAYS_AFTER_SUMMARY} days after its adoption summary"
    ),
    erase=forget_followers,
)
