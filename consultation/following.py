"""Following one consultation by e-mail (关注, issue #13 item 3, first topic): double opt-in,
one-click unsubscribe, no account. Followers are told of an extension and of the adoption
summary through the outbox, each message carrying its unsubscribe link (RFC 8058).

Whoever asks gets the same answer whether or not the address already follows, so the form
cannot be used to learn who follows what; requests are limited per network address and per
e-mail address, so it cannot be used to flood a mailbox with confirmations either.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from consultation.drafts import get_public_draft
from consultation.models import ConsultationDraft, Follower
from publisher.contact import normalise_email
from publisher.errors import Conflict, NotFound, ValidationFailed
from publisher.notifications.outbox import Contact, enqueue
from publisher.storage.db import write_unit
from publisher.throttle import limits
from publisher.throttle.limits import Limit

#: a confirmation link is good for this long
CONFIRM_WITHIN = dt.timedelta(days=7)

FOLLOWS_PER_ADDRESS = Limit(
    scope="follow.address",
    max_hits=10,
    window=dt.timedelta(hours=1),
    what_en="follow requests from this address",
    what_zh="同一网络地址申请关注",
)
FOLLOWS_PER_EMAIL = Limit(
    scope="follow.email",
    max_hits=3,
    window=dt.timedelta(days=1),
    what_en="follow requests for this e-mail address",
    what_zh="同一电子邮箱申请关注",
)


def _email_key(email: str) -> str:
    """The limit counts a digest of the address, never the address."""
    return hashlib.sha256(email.lower().encode()).hexdigest()


def follow(
    session: Session, draft_id: int, raw_email: str, now: dt.datetime, *, requester: str
) -> None:
    """Ask to follow: a confirmation link goes to the address (nothing else is sent until it
    is opened). An address already following is sent nothing and told the same."""
    email = normalise_email(raw_email)
    if email is None:
        raise ValidationFailed("Give an e-mail address.", "请填写电子邮箱。", field="email")
    with write_unit(session):
        draft = get_public_draft(session, draft_id, now)
        if draft.summary_published_at is not None:
            raise Conflict(
                "The adoption summary is published: there is nothing more to follow.",
                "意见采纳情况已公布，本次征求意见已结束，无需关注。",
            )
        limits.take(session, FOLLOWS_PER_ADDRESS, requester, now)
        limits.take(session, FOLLOWS_PER_EMAIL, _email_key(email), now)
        follower = session.scalar(
            select(Follower).where(Follower.draft_id == draft.id, Follower.email == email)
        )
        if follower is None:
            follower = Follower(draft_id=draft.id, email=email, token="", requested_at=now)
            session.add(follower)
        elif follower.confirmed_at is not None and follower.unsubscribed_at is None:
            return
        follower.token = secrets.token_urlsafe(32)
        follower.requested_at = now
        follower.confirmed_at = None
        follower.unsubscribed_at = None
        session.flush()
        enqueue(
            session,
            "consultation.follow.confirm",
            Contact(email=email),
            {"title": draft.title, "link": f"/follow/confirm?token={follower.token}"},
            now,
        )


def _by_token(session: Session, token: str) -> Follower:
    follower = session.scalar(select(Follower).where(Follower.token == token[:64]))
    if follower is None or not token:
        raise NotFound(
            "This link is not valid (it may have been replaced by a newer one).",
            "该链接无效（可能已被新的链接取代），请重新申请关注。",
        )
    return follower


def confirm(session: Session, token: str, now: dt.datetime) -> ConsultationDraft:
    """Opening the link confirms the address (again: harmless)."""
    with write_unit(session):
        follower = _by_token(session, token)
        if follower.unsubscribed_at is not None:
            raise Conflict(
                "This address stopped following; ask again to follow.",
                "该邮箱已取消关注，如需关注请重新申请。",
            )
        if follower.confirmed_at is None:
            if now - follower.requested_at > CONFIRM_WITHIN:
                raise Conflict(
                    "The confirmation link has expired (7 days); ask again to follow.",
                    "确认链接已过期（7天），请重新申请关注。",
                )
            follower.confirmed_at = now
        return _draft_of(session, follower)


def unsubscribe(session: Session, token: str, now: dt.datetime) -> ConsultationDraft:
    """One click, no questions (RFC 8058); again is harmless."""
    with write_unit(session):
        follower = _by_token(session, token)
        if follower.unsubscribed_at is None:
            follower.unsubscribed_at = now
        return _draft_of(session, follower)


def _draft_of(session: Session, follower: Follower) -> ConsultationDraft:
    draft = session.get(ConsultationDraft, follower.draft_id)
    assert draft is not None  # drafts are never deleted
    return draft
