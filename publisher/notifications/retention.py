"""How long the outbox keeps an address. A delivered message keeps only the masked form from
the moment it is delivered; one still undelivered after 30 days will not be of use any more
(the event is long past and the answer is visible by receipt code), so its address is masked
too and it is closed as failed, for the record."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from publisher.notifications.models import OutboxMessage
from publisher.notifications.outbox import UNDELIVERED, mask_recipient
from publisher.notifications.vocabulary import OutboxStatus
from publisher.retention import RetentionRule

UNDELIVERED_DAYS = 30
EXPIRED = (
    f"{UNDELIVERED_DAYS}天内未能送达，收件人已按保存期限隐去，不再发送。"
    f" / Not delivered within {UNDELIVERED_DAYS} days; the address was erased."
)


def expire_undelivered(session: Session, now: dt.datetime) -> int:
    cutoff = now - dt.timedelta(days=UNDELIVERED_DAYS)
    due = session.scalars(
        select(OutboxMessage).where(
            OutboxMessage.status.in_(UNDELIVERED), OutboxMessage.created_at <= cutoff
        )
    ).all()
    for message in due:
        message.recipient = mask_recipient(message.recipient)
        message.status = OutboxStatus.FAILED.value
        message.last_error = EXPIRED
        message.claimed_by = None
        message.lease_until = None
    return len(due)


OUTBOX_RECIPIENTS = RetentionRule(
    name="outbox-recipients",
    description=(
        f"addresses of notifications still undelivered after {UNDELIVERED_DAYS} days (delivered "
        "ones keep only a masked form from delivery)"
    ),
    erase=expire_undelivered,
)
