"""What staff see of an outbox message: the recipient masked, the error as recorded."""

from __future__ import annotations

import json

from pydantic import BaseModel

from publisher.notifications.models import OutboxMessage
from publisher.notifications.outbox import mask_recipient
from publisher.notifications.vocabulary import ChannelName, OutboxStatus
from publisher.web.schemas import LocalInstant


class OutboxMessageOut(BaseModel):
    id: int
    event: str
    channel: ChannelName
    channel_zh: str
    #: masked: the first letter and the domain of an address, the ends of a number
    recipient: str
    #: the receipt code the message is about, when it has one
    receipt: str | None
    status: OutboxStatus
    status_zh: str
    attempts: int
    created_at: LocalInstant
    next_attempt_at: LocalInstant | None
    last_error: str | None

    @classmethod
    def of(cls, message: OutboxMessage) -> OutboxMessageOut:
        channel, status = ChannelName(message.channel), OutboxStatus(message.status)
        receipt = json.loads(message.context).get("receipt")
        return cls(
            id=message.id,
            event=message.event,
            channel=channel,
            channel_zh=channel.label_zh,
            recipient=mask_recipient(message.recipient),
            receipt=receipt if isinstance(receipt, str) else None,
            status=status,
            status_zh=status.label_zh,
            attempts=message.attempts,
            created_at=message.created_at,
            next_attempt_at=message.next_attempt_at,
            last_error=message.last_error,
        )
