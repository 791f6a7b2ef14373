"""The outbox table: one row per message to one person on one channel.

A row is written in the same transaction as the change that causes it, so a committed change
always has its messages and a rolled-back one has none. It keeps the event and the template's
variables (never personal data), and the recipient, which is masked once delivered.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Index, Integer, String, Text
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
