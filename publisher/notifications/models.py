"""The outbox table: one row per message to one person on one channel.

A row is written in the same transaction as the change that causes it, so a committed change
always has its messages and a rolled-back one has none. It keeps the event and the template's
variables (never personal data), and the recipient, which is masked once delivered.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from publisher.notifications.vocabulary import OutboxStatus
from publisher.storage.base import Base
from publisher.storage.types import UTCDateTime


class OutboxMessage(Base):
    __tablename__ = "notification_outbox"
    __table_args__ = (Index("ix_notification_outbox_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event: Mapped[str] = mapped_column(String(64))
    channel: Mapped[str] = mapped_column(String(8))
    #: an e-mail address or a mobile number until delivered, then its masked form
    recipient: Mapped[str] = mapped_column(String(254))
    #: JSON: the template's variables (titles, times, receipt codes, paths; no personal data)
    context: Mapped[str] = mapped_column(Text)
    #: what the message is about, for the feature's delivery hook (e.g. a comment's notified_at)
    ref_kind: Mapped[str | None] = mapped_column(String(64))
    ref_id: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(12), default=OutboxStatus.PENDING.value)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    #: None: due at once (whatever a worker's clock says)
    next_attempt_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    lease_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    attempt_started_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)


class Subscription(Base):
    """An e-mail address that follows one topic (关注): a kind and a key, e.g. a meeting kind
    ("meeting_kind", "plenary"), all consultations ("consultations", ""), a department's
    ("department", "市住房和城乡建设局"), one consultation ("consultation", "12") or the gazette
    documents ("gazette", ""). Confirmed by a link sent to it (double opt-in); the token in
    every alert unsubscribes in one click. Never shown anywhere but to its owner's mailbox."""

    __tablename__ = "follow_subscription"
    __table_args__ = (
        UniqueConstraint("topic_kind", "topic_key", "email", name="uq_follow_subscription"),
        Index("ix_follow_subscription_topic", "topic_kind", "topic_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    topic_kind: Mapped[str] = mapped_column(String(32))
    topic_key: Mapped[str] = mapped_column(String(200))
    #: what the topic is called in messages and pages ("全体会议", "《…》征求意见")
    topic_title: Mapped[str] = mapped_column(String(300))
    email: Mapped[str] = mapped_column(String(254))
    token: Mapped[str] = mapped_column(String(64), unique=True)
    requested_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    confirmed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    unsubscribed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class FanOut(Base):
    """The ledger of alerts fanned out to followers: one row per (event, subject), claimed in
    the transaction that writes the messages, so an event reaches followers once whether it
    comes from a staff write or from the job that notices a scheduled publication."""

    __tablename__ = "follow_fanout"
    __table_args__ = (UniqueConstraint("event", "subject", name="uq_follow_fanout"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event: Mapped[str] = mapped_column(String(64))
    #: what the event is about, e.g. "meeting_notice:12" or "consultation_draft:3@2"
    subject: Mapped[str] = mapped_column(String(100))
    messages: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
