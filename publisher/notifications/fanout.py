"""Alerts to followers, exactly once per event and subject.

`alert_followers` is called inside a unit of work: it claims the ledger row (event, subject)
with `INSERT … ON CONFLICT DO NOTHING` and, only if the row is new, writes one outbox message
per confirmed address following any of the event's topics — one message for an address that
follows two of them, with the unsubscribe link of the first (most specific) topic it follows.
A staff write calls it in its own transaction; a publication scheduled for later is noticed by
`run_scheduled`, which the outbox worker runs each round (inside `publisher serve` and in
`publisher outbox run`). Two processes racing on the same publication: the second's insert
waits for the first's commit and then inserts nothing, so it writes no messages.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, insert, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from publisher.notifications.messages import render
from publisher.notifications.models import FanOut, OutboxMessage, Subscription
from publisher.notifications.vocabulary import ChannelName, OutboxStatus
from publisher.storage.db import write_unit

log = logging.getLogger(__name__)

#: a scheduled publication older than this when first noticed is not announced (a service
#: down for longer, or publications made before following existed)
LOOKBACK = dt.timedelta(days=3)


def claim(session: Session, event: str, subject: str, now: dt.datetime) -> FanOut | None:
    """The ledger row of (event, subject) if this transaction is the first to claim it."""
    dialect = session.connection().dialect.name
    statement = (pg_insert if dialect == "postgresql" else sqlite_insert)(FanOut).values(
        event=event, subject=subject, messages=0, created_at=now
    )
    claimed = session.scalar(
        statement.on_conflict_do_nothing(index_elements=[FanOut.event, FanOut.subject]).returning(
            FanOut.id
        )
    )
    return None if claimed is None else session.get(FanOut, claimed)


def followers(session: Session, topics: Sequence[tuple[str, str]]) -> list[Subscription]:
    """Confirmed subscriptions to any of `topics`, one per address, the first topic winning."""
    if not topics:
        return []
    rows = session.scalars(
        select(Subscription).where(
            or_(
                *(
                    and_(Subscription.topic_kind == k, Subscription.topic_key == v)
                    for k, v in topics
                )
            ),
            Subscription.confirmed_at.is_not(None),
            Subscription.unsubscribed_at.is_(None),
        )
    ).all()
    rank = {topic: i for i, topic in enumerate(topics)}
    chosen: dict[str, Subscription] = {}
    for row in sorted(rows, key=lambda r: (rank[(r.topic_kind, r.topic_key)], r.id)):
        chosen.setdefault(row.email.lower(), row)
    return sorted(chosen.values(), key=lambda r: r.id)


def alert_followers(
    session: Session,
    event: str,
    subject: str,
    topics: Sequence[tuple[str, str]],
    context: Mapping[str, str],
    now: dt.datetime,
) -> int | None:
    """Fan `event` out to the followers of `topics` once; None if already done."""
    ledger = claim(session, event, subject, now)
    if ledger is None:
        return None
    rows: list[dict[str, Any]] = []
    for follower in followers(session, topics):
        variables = dict(context) | {
            "topic": follower.topic_title,
            "unsubscribe": f"/follow/unsubscribe?token={follower.token}",
        }
        if not rows:  # a missing variable fails the change, not the delivery
            render(event, ChannelName.EMAIL, variables, base_url="")
        rows.append(
            {
                "event": event,
                "channel": ChannelName.EMAIL.value,
                "recipient": follower.email,
                "context": json.dumps(variables, ensure_ascii=False, sort_keys=True),
                "ref_kind": None,
                "ref_id": None,
                "status": OutboxStatus.PENDING.value,
                "attempts": 0,
                "created_at": now,
                "next_attempt_at": None,
            }
        )
    if rows:
        session.execute(insert(OutboxMessage), rows)
    session.execute(update(FanOut).where(FanOut.id == ledger.id).values(messages=len(rows)))
    return len(rows)


@dataclass(frozen=True)
class ScheduledAlert:
    """A publication that takes effect at a stored instant with no write at that moment:
    `due` lists the subjects published in (since, now]; `alert` re-reads one inside a unit of
    work and calls `alert_followers` (which does nothing if it is already done)."""

    event: str
    due: Callable[[Session, dt.datetime, dt.datetime], Sequence[str]]
    alert: Callable[[Session, str, dt.datetime], int | None]


def run_scheduled(session: Session, jobs: Sequence[ScheduledAlert], now: dt.datetime) -> int:
    """Fan out every due publication not yet in the ledger; returns the messages written.
    The usual case (nothing new) is plain reads: no write lock is taken."""
    written = 0
    for job in jobs:
        subjects = list(job.due(session, now - LOOKBACK, now))
        done = set()
        if subjects:
            done = set(
                session.scalars(
                    select(FanOut.subject).where(
                        FanOut.event == job.event, FanOut.subject.in_(subjects)
                    )
                )
            )
        session.commit()  # end the reads: a unit of work begins next
        for subject in subjects:
            if subject in done:
                continue
            with write_unit(session):
                count = job.alert(session, subject, now)
            if count is not None:
                log.info("follow: %s %s fanned out to %d follower(s)", job.event, subject, count)
                written += count
    return written
