"""What the outbox gives the staff work queue (publisher.workqueue): messages that failed, per
event and channel, with the oldest. One statement."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from publisher.notifications.models import OutboxMessage
from publisher.notifications.vocabulary import ChannelName, OutboxStatus
from publisher.staff.roles import Role
from publisher.workqueue import QueueContext, QueueRow, QueueSort, WorkQueue


def failed_messages(session: Session, context: QueueContext) -> Sequence[QueueRow]:
    rows = session.execute(
        select(
            OutboxMessage.event,
            OutboxMessage.channel,
            func.count(OutboxMessage.id),
            func.min(OutboxMessage.created_at),
        )
        .where(OutboxMessage.status == OutboxStatus.FAILED.value)
        .group_by(OutboxMessage.event, OutboxMessage.channel)
    ).all()
    channels = ChannelName.labels_zh()
    return [
        QueueRow(
            label=event,
            count=count,
            link="/staff/outbox?status=failed",
            waiting_since=oldest,
            note=channels.get(channel, channel),
        )
        for event, channel, count, oldest in rows
    ]


WORK_QUEUES = (
    WorkQueue(
        key="outbox-failed",
        title_zh="发送失败的通知",
        title_en="Notifications that failed",
        unit_zh="条消息",
        role=Role.EDITOR,
        rows=failed_messages,
        sorts=(QueueSort.COUNT, QueueSort.WAITING, QueueSort.LABEL),
    ),
)
