"""Writing to the outbox, and what staff do with it.

`enqueue` is called by a use case inside its own unit of work: the messages commit with the
change or not at all, and nothing touches the network during the request. The worker
(`publisher.notifications.worker`) delivers them later.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from publisher.contact import MOBILE_DIGITS
from publisher.errors import Conflict, NotFound
from publisher.notifications.messages import has_sms, render
from publisher.notifications.models import OutboxMessage
from publisher.notifications.vocabulary import ChannelName, OutboxStatus
from publisher.staff import audit
from publisher.staff.principal import StaffPrincipal
from publisher.storage.db import unit_of_work

_MOBILE = re.compile(f"^{MOBILE_DIGITS}$")


@dataclass(frozen=True)
class Contact:
    """How one person can be reached: an e-mail gets e-mail, a mobile number gets SMS, both
    get both. A landline gets nothing (it cannot take SMS)."""

    email: str | None = None
    phone: str | None = None

    def channels(self, event: str) -> list[tuple[ChannelName, str]]:
        found = []
        if self.email:
            found.append((ChannelName.EMAIL, self.email))
        if self.phone and _MOBILE.match(self.phone) and has_sms(event):
            found.append((ChannelName.SMS, self.phone))
        return found


@dataclass(frozen=True)
class DeliveryHook:
    """What a feature records when one of its messages is delivered (e.g. a comment's
    `notified_at`), in the worker's transaction that marks the row sent."""

    ref_kind: str
    delivered: Callable[[Session, int, dt.datetime], None]


def enqueue(
    session: Session,
    event: str,
    contact: Contact,
    context: Mapping[str, str],
    now: dt.datetime,
    *,
    ref: tuple[str, int] | None = None,
) -> int:
    """Add the messages of `event` for one person to the session's unit of work; returns how
    many (one per channel the person can be reached on). The template is rendered once here so
    a missing variable fails the change, not the delivery hours later."""
    count = 0
    for channel, recipient in contact.channels(event):
        render(event, channel, context, base_url="")
        session.add(
            OutboxMessage(
                event=event,
                channel=channel.value,
                recipient=recipient,
                context=json.dumps(dict(context), ensure_ascii=False, sort_keys=True),
                ref_kind=ref[0] if ref else None,
                ref_id=ref[1] if ref else None,
                status=OutboxStatus.PENDING.value,
                attempts=0,
                created_at=now,
                next_attempt_at=None,
            )
        )
        count += 1
    return count


def fan_out(
    session: Session,
    event: str,
    people: Sequence[tuple[Contact, Mapping[str, str]]],
    now: dt.datetime,
) -> int:
    """`enqueue` for several people, each address told once even if it appears twice."""
    seen: set[str] = set()
    count = 0
    for contact, context in people:
        email = contact.email if contact.email and contact.email.lower() not in seen else None
        phone = contact.phone if contact.phone and contact.phone not in seen else None
        seen.update(a.lower() for a in (email, phone) if a)
        count += enqueue(session, event, Contact(email, phone), context, now)
    return count


def mask_recipient(recipient: str) -> str:
    """What staff see and what is kept once delivered: the domain of an address, the ends of a
    number."""
    if "@" in recipient:
        local, _, domain = recipient.rpartition("@")
        return f"{local[:1]}***@{domain}"
    if len(recipient) >= 7:
        return recipient[:3] + "*" * (len(recipient) - 7) + recipient[-4:]
    return "***"


UNDELIVERED = (
    OutboxStatus.PENDING.value,
    OutboxStatus.CLAIMED.value,
    OutboxStatus.SENDING.value,
    OutboxStatus.FAILED.value,
)


def undelivered(
    session: Session, limit: int = 500, *, failed_only: bool = False
) -> Sequence[OutboxMessage]:
    """Messages not (yet) delivered, failed first, then the oldest waiting; `failed_only`: the
    failures alone (the work queue's link)."""
    statuses = (OutboxStatus.FAILED.value,) if failed_only else UNDELIVERED
    return session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.status.in_(statuses))
        .order_by((OutboxMessage.status == OutboxStatus.FAILED.value).desc(), OutboxMessage.id)
        .limit(limit)
    ).all()


@unit_of_work
def retry_message(
    session: Session, principal: StaffPrincipal, message_id: int, now: dt.datetime
) -> OutboxMessage:
    """Put a failed message back in the queue, due at once, with a fresh count of attempts."""
    message = session.get(OutboxMessage, message_id)
    if message is None:
        raise NotFound(f"message {message_id} not found", f"未找到编号为{message_id}的消息")
    if message.status != OutboxStatus.FAILED.value:
        sent = message.status == OutboxStatus.SENT.value
        raise Conflict(
            f"Only a failed message can be retried; this one is {message.status}"
            + ("." if sent else " and the worker will deliver it."),
            f"只有发送失败的消息可以重试；该消息当前状态为“{OutboxStatus(message.status).label_zh}”"
            + ("。" if sent else "，将由后台自动发送。"),
        )
    if "*" in message.recipient:  # the retention rule erased the address: nowhere to send
        raise Conflict(
            "The address of this message was erased under the retention rule; it cannot be "
            "sent again.",
            "该消息的收件人已按保存期限隐去，不能再发送。",
        )
    message.status = OutboxStatus.PENDING.value
    message.attempts = 0
    message.next_attempt_at = None
    message.claimed_by = None
    message.lease_until = None
    audit.record(
        session,
        principal,
        "notification.retry",
        "notification_outbox",
        message.id,
        event=message.event,
        channel=message.channel,
        previous_error=message.last_error,
    )
    return message
