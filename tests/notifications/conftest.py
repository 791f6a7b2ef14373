"""Fixtures of the outbox tests: messages put straight in the outbox, a clock for workers."""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from publisher.notifications.models import OutboxMessage
from publisher.notifications.outbox import Contact, enqueue
from publisher.storage.db import write_unit
from publisher.timeutil import now_utc

SAMPLE = {
    "title": "市政府第十次全体会议",
    "when": "2026年12月7日 09:30",
    "place": "市政府第一会议室",
    "receipt": "CH-7K3Q9-XWM2T",
    "link": "/a/CH-7K3Q9-XWM2T",
}


def queue(
    session_factory: sessionmaker[Session],
    count: int,
    email: str | None = None,
    phone: str | None = None,
) -> list[int]:
    """`count` messages to numbered addresses (`n{i}@example.cn`) unless one is given."""
    with session_factory() as session, write_unit(session):
        for i in range(count):
            contact = Contact(email or (None if phone else f"n{i}@example.cn"), phone)
            receipt = f"CH-{i:05d}-AAAAA"
            context = SAMPLE | {"receipt": receipt, "link": f"/a/{receipt}"}
            enqueue(session, "meeting.application.received", contact, context, now_utc())
    with session_factory() as session:
        return list(session.scalars(select(OutboxMessage.id).order_by(OutboxMessage.id)))


def rows(session_factory: sessionmaker[Session]) -> list[OutboxMessage]:
    with session_factory() as session:
        return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


class WorkerClock:
    """A worker's clock that tests move instead of sleeping through backoffs and leases."""

    def __init__(self) -> None:
        self.now = now_utc()

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += dt.timedelta(seconds=seconds)


def contexts(session_factory: sessionmaker[Session]) -> list[dict[str, str]]:
    return [json.loads(r.context) for r in rows(session_factory)]
