"""The outbox worker: claims due messages, sends each once, records what happened.

Claiming is one short transaction: due rows are locked with `SELECT … FOR UPDATE SKIP LOCKED`
on PostgreSQL, so several service instances never claim the same row; on SQLite the claim runs
under the database's single write lock (`BEGIN IMMEDIATE`), with the same effect. Before a
message goes on the network its row is committed as `sending`; afterwards as `sent` (or due
again later, with exponential backoff, or `failed`). If the worker dies, its lease expires:
rows it had only claimed return to the queue, and a row it was sending is marked failed,
because the server may or may not have taken it — staff see it and decide (docs/notifications.md).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import socket
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from publisher.notifications.channels import Channel, DeliveryError, EmailChannel
from publisher.notifications.fanout import ScheduledAlert, run_scheduled
from publisher.notifications.messages import render
from publisher.notifications.models import OutboxMessage
from publisher.notifications.outbox import DeliveryHook, mask_recipient
from publisher.notifications.sms import HttpSmsGateway
from publisher.notifications.vocabulary import ChannelName, OutboxStatus
from publisher.privacy import mask_personal_text
from publisher.settings import Settings
from publisher.storage.db import write_unit
from publisher.timeutil import now_utc

log = logging.getLogger(__name__)

#: the longest wait between two attempts
MAX_BACKOFF = dt.timedelta(hours=6)
INTERRUPTED = (
    "投递中断：发送时服务停止，无法确定对方是否已收到；确认后可点“重试”。"
    " / Interrupted while sending: the server may or may not have taken it."
)


def channels_of(settings: Settings) -> dict[str, Channel]:
    """The channels the settings configure: e-mail when an SMTP host is set, SMS when a gateway
    is. Messages for a channel not configured wait in the queue, visible to staff."""
    found: dict[str, Channel] = {}
    if settings.smtp_host:
        found[ChannelName.EMAIL.value] = EmailChannel(settings)
    if settings.sms_gateway_url:
        found[ChannelName.SMS.value] = HttpSmsGateway(settings)
    return found


def _exists(session: Session, *conditions: ColumnElement[bool]) -> bool:
    """A plain read, so an idle worker never takes the write lock (SQLite has one)."""
    found = session.scalar(select(OutboxMessage.id).where(*conditions).limit(1)) is not None
    session.commit()  # end the read: a unit of work begins next
    return found


@dataclass
class Round:
    recovered: int = 0
    sent: int = 0
    retried: int = 0
    failed: int = 0
    #: alerts written for publications that came due (scheduled fan-out)
    alerted: int = 0

    @property
    def claimed(self) -> int:
        return self.sent + self.retried + self.failed


class Worker:
    def __init__(
        self,
        session_factory: sessionmaker[Session],
        settings: Settings,
        hooks: Sequence[DeliveryHook] = (),
        scheduled: Sequence[ScheduledAlert] = (),
        *,
        channels: Mapping[str, Channel] | None = None,
        clock: Callable[[], dt.datetime] = now_utc,
        batch: int = 20,
        name: str | None = None,
    ) -> None:
        self.session_factory = session_factory
        self.settings = settings
        self.hooks = {hook.ref_kind: hook.delivered for hook in hooks}
        self.scheduled = tuple(scheduled)
        self.channels = dict(channels_of(settings) if channels is None else channels)
        self.clock = clock
        self.batch = batch
        self.name = name or f"{socket.gethostname()}:{os.getpid()}:{id(self):x}"[:64]
        self.lease = dt.timedelta(seconds=settings.outbox_lease_seconds)

    def backoff(self, attempts: int) -> dt.timedelta:
        """30 s, 60 s, 120 s … (the setting doubled per failed attempt), at most 6 hours."""
        wait = dt.timedelta(seconds=self.settings.outbox_retry_seconds * 2 ** (attempts - 1))
        return min(wait, MAX_BACKOFF)

    def recover(self, session: Session) -> int:
        """Expired leases: claimed rows back to the queue; rows caught sending marked failed."""
        now = self.clock()
        expired = (OutboxMessage.lease_until.is_not(None), OutboxMessage.lease_until < now)
        held = (OutboxStatus.CLAIMED.value, OutboxStatus.SENDING.value)
        if not _exists(session, OutboxMessage.status.in_(held), *expired):
            return 0  # the usual case: no write lock taken when there is nothing to do
        with write_unit(session):
            back = session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.status == OutboxStatus.CLAIMED.value, *expired)
                .values(status=OutboxStatus.PENDING.value, claimed_by=None, lease_until=None)
            )
            lost = session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.status == OutboxStatus.SENDING.value, *expired)
                .values(status=OutboxStatus.FAILED.value, last_error=INTERRUPTED, lease_until=None)
            )
        count = int(getattr(back, "rowcount", 0) or 0) + int(getattr(lost, "rowcount", 0) or 0)
        if count:
            log.warning("outbox: %d message(s) recovered from expired leases", count)
        return count

    def claim(self, session: Session) -> list[int]:
        """Take up to `batch` due messages of the configured channels for this worker."""
        if not self.channels:
            return []
        now = self.clock()
        due = (
            OutboxMessage.status == OutboxStatus.PENDING.value,
            OutboxMessage.channel.in_(list(self.channels)),
            or_(OutboxMessage.next_attempt_at.is_(None), OutboxMessage.next_attempt_at <= now),
        )
        if not _exists(session, *due):
            return []
        with write_unit(session):
            rows = session.scalars(
                select(OutboxMessage)
                .where(*due)
                .order_by(OutboxMessage.id)
                .limit(self.batch)
                .with_for_update(skip_locked=True)
            ).all()
            for row in rows:
                row.status = OutboxStatus.CLAIMED.value
                row.claimed_by = self.name
                row.lease_until = now + self.lease
            return [row.id for row in rows]

    def _start(self, session: Session, message_id: int) -> OutboxMessage | None:
        with write_unit(session):
            row = session.get(OutboxMessage, message_id)
            if row is None or row.status != OutboxStatus.CLAIMED.value:
                return None
            if row.claimed_by != self.name:
                return None
            row.status = OutboxStatus.SENDING.value
            row.attempts += 1
            row.attempt_started_at = self.clock()
            row.lease_until = row.attempt_started_at + self.lease
            return row

    def deliver(self, session: Session, message_id: int) -> str | None:
        """Send one claimed message; returns its new status (None if no longer ours)."""
        row = self._start(session, message_id)
        if row is None:
            return None
        channel = self.channels[row.channel]
        error: DeliveryError | None = None
        try:
            message = render(
                row.event,
                ChannelName(row.channel),
                json.loads(row.context),
                base_url=self.settings.base_url,
                sign_name=self.settings.sms_sign_name,
            )
            channel.send(row.recipient, message, f"outbox-{row.id}")
        except DeliveryError as exc:
            error = exc
        except Exception as exc:  # a template or a library fault: visible, never retried blind
            log.exception("outbox: message %d could not be prepared", row.id)
            error = DeliveryError(f"{type(exc).__name__}: {exc}", permanent=True)
        return self._finish(session, message_id, error)

    def _finish(self, session: Session, message_id: int, error: DeliveryError | None) -> str | None:
        now = self.clock()
        with write_unit(session):
            row = session.get(OutboxMessage, message_id)
            if row is None or row.claimed_by != self.name:
                return None
            domain = row.recipient.rpartition("@")[2] if "@" in row.recipient else row.channel
            if error is None:
                row.status = OutboxStatus.SENT.value
                row.sent_at = now
                row.last_error = None
                row.recipient = mask_recipient(row.recipient)
                if row.ref_kind in self.hooks and row.ref_id is not None:
                    self.hooks[row.ref_kind](session, row.ref_id, now)
                log.info("outbox: %s %s sent to %s", row.event, row.channel, domain)
            else:
                row.last_error = mask_personal_text(str(error))[:1000]
                if error.permanent or row.attempts >= self.settings.outbox_max_attempts:
                    row.status = OutboxStatus.FAILED.value
                else:
                    row.status = OutboxStatus.PENDING.value
                    row.next_attempt_at = now + self.backoff(row.attempts)
                log.warning(
                    "outbox: %s %s to %s failed (attempt %d): %s",
                    row.event,
                    row.channel,
                    domain,
                    row.attempts,
                    row.last_error,
                )
            row.claimed_by = None
            row.lease_until = None
            return row.status

    def run_once(self) -> Round:
        """One round: fan out publications that came due, recover expired leases, claim a
        batch, deliver it."""
        result = Round()
        if self.scheduled:
            with self.session_factory() as session:
                result.alerted = run_scheduled(session, self.scheduled, self.clock())
        if not self.channels:  # nothing this worker could send: leave the queue to others
            return result
        with self.session_factory() as session:
            result.recovered = self.recover(session)
            for message_id in self.claim(session):
                status = self.deliver(session, message_id)
                if status == OutboxStatus.SENT.value:
                    result.sent += 1
                elif status == OutboxStatus.PENDING.value:
                    result.retried += 1
                elif status == OutboxStatus.FAILED.value:
                    result.failed += 1
        return result

    def drain(self, max_rounds: int = 10_000) -> Round:
        """Rounds until nothing due is left (messages waiting for a later attempt stay)."""
        total = Round()
        for _ in range(max_rounds):
            result = self.run_once()
            total.recovered += result.recovered
            total.sent += result.sent
            total.retried += result.retried
            total.failed += result.failed
            total.alerted += result.alerted
            if result.claimed == 0 and result.alerted == 0:
                break
        return total


class BackgroundWorker:
    """The worker on a daemon thread, started and stopped with the app."""

    def __init__(self, worker: Worker, poll_seconds: float) -> None:
        self.worker = worker
        self.poll_seconds = poll_seconds
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="outbox-worker", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 30) -> None:
        self._stop.set()
        self._thread.join(timeout)

    def join(self) -> None:
        """Wait for the thread (until stopped), waking up so Ctrl-C is seen."""
        while self._thread.is_alive():
            self._thread.join(1)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                result = self.worker.drain(max_rounds=50)
            except Exception:  # one bad round must not end the thread
                log.exception("outbox worker round failed; trying again at the next poll")
                result = Round()
            if result.claimed == 0 or self._stop.is_set():
                self._stop.wait(self.poll_seconds)
