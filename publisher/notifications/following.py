"""Following a topic by e-mail (关注, issue #13 item 3): a meeting kind, all consultations, a
department's consultations, one consultation, the gazette documents. Double opt-in, one-click
unsubscribe (RFC 8058), no account, the address never public.

Whoever asks gets the same answer whether or not the address already follows, so the form
cannot be used to learn who follows what; requests are limited per network address and per
e-mail address, so it cannot be used to flood a mailbox with confirmations either. The feature
that owns the topic checks it exists (inside the unit of work) and names it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from publisher.contact import normalise_email
from publisher.errors import Conflict, NotFound, ValidationFailed
from publisher.notifications.models import Subscription
from publisher.notifications.outbox import Contact, enqueue
from publisher.notifications.vocabulary import TopicKind
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


@dataclass(frozen=True)
class Topic:
    """What can be followed: a kind, a key within it ("" for a whole kind) and its name."""

    kind: TopicKind
    key: str
    title: str
    #: the public page of the topic, for the confirmation page
    link: str = "/"

    @property
    def ref(self) -> tuple[str, str]:
        return (self.kind.value, self.key)


def _email_key(email: str) -> str:
    """The limit counts a digest of the address, never the address."""
    return hashlib.sha256(email.lower().encode()).hexdigest()


def follow(
    session: Session,
    topic_of: Callable[[Session], Topic],
    raw_email: str,
    now: dt.datetime,
    *,
    requester: str,
) -> Topic:
    """Ask to follow: a confirmation link goes to the address (nothing else is sent until it
    is opened). An address already following is sent nothing and told the same. `topic_of`
    runs inside the unit of work and refuses (raises) when the topic cannot be followed."""
    email = normalise_email(raw_email)
    if email is None:
        raise ValidationFailed("Give an e-mail address.", "请填写电子邮箱。", field="email")
    with write_unit(session):
        topic = topic_of(session)
        limits.take(session, FOLLOWS_PER_ADDRESS, requester, now)
        limits.take(session, FOLLOWS_PER_EMAIL, _email_key(email), now)
        row = session.scalar(
            select(Subscription).where(
                Subscription.topic_kind == topic.kind.value,
                Subscription.topic_key == topic.key,
                Subscription.email == email,
            )
        )
        if row is None:
            row = Subscription(
                topic_kind=topic.kind.value,
                topic_key=topic.key,
                topic_title=topic.title,
                email=email,
                token="",
                requested_at=now,
            )
            session.add(row)
        elif row.confirmed_at is not None and row.unsubscribed_at is None:
            return topic
        row.topic_title = topic.title
        row.token = secrets.token_urlsafe(32)
        row.requested_at = now
        row.confirmed_at = None
        row.unsubscribed_at = None
        session.flush()
        enqueue(
            session,
            "follow.confirm",
            Contact(email=email),
            {"title": topic.title, "link": f"/follow/confirm?token={row.token}"},
            now,
        )
        return topic


def _by_token(session: Session, token: str) -> Subscription:
    row = session.scalar(select(Subscription).where(Subscription.token == token[:64]))
    if row is None or not token:
        raise NotFound(
            "This link is not valid (it may have been replaced by a newer one).",
            "该链接无效（可能已被新的链接取代），请重新申请关注。",
        )
    return row


def confirm(session: Session, token: str, now: dt.datetime) -> Subscription:
    """Opening the link confirms the address (again: harmless)."""
    with write_unit(session):
        row = _by_token(session, token)
        if row.unsubscribed_at is not None:
            raise Conflict(
                "This address stopped following; ask again to follow.",
                "该邮箱已取消关注，如需关注请重新申请。",
            )
        if row.confirmed_at is None:
            if now - row.requested_at > CONFIRM_WITHIN:
                raise Conflict(
                    "The confirmation link has expired (7 days); ask again to follow.",
                    "确认链接已过期（7天），请重新申请关注。",
                )
            row.confirmed_at = now
        return row


def unsubscribe(session: Session, token: str, now: dt.datetime) -> Subscription:
    """One click, no questions (RFC 8058); again is harmless."""
    with write_unit(session):
        row = _by_token(session, token)
        if row.unsubscribed_at is None:
            row.unsubscribed_at = now
        return row
