"""The worker's promises, against the real SMTP server: a server down for a while loses
nothing and duplicates nothing; a worker that stops mid-way leaves every row delivered once or
visibly failed; several workers never send one row twice."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
import time

import pytest
from sqlalchemy.orm import Session, sessionmaker

from publisher.notifications.channels import Channel, EmailChannel
from publisher.notifications.messages import Rendered
from publisher.notifications.vocabulary import ChannelName, OutboxStatus
from publisher.notifications.worker import INTERRUPTED, Worker
from publisher.settings import Settings
from tests.notifications.conftest import WorkerClock, queue, rows
from tests.support.mail import Mailbox


def worker(
    session_factory: sessionmaker[Session],
    settings: Settings,
    clock: WorkerClock,
    channel: Channel | None = None,
    name: str = "w1",
) -> Worker:
    channels = {"email": channel} if channel is not None else None
    return Worker(session_factory, settings, channels=channels, clock=clock, name=name)


def test_an_smtp_server_down_loses_nothing_and_sends_nothing_twice(
    mail_settings: Settings, mailbox: Mailbox, session_factory: sessionmaker[Session]
) -> None:
    ids = queue(session_factory, 5)
    mailbox.stop()
    clock = WorkerClock()
    w = worker(session_factory, mail_settings, clock)
    first = w.drain()
    assert (first.sent, first.retried) == (0, 5)
    assert w.drain().claimed == 0  # not due again before the backoff has passed
    clock.advance(31)
    assert w.drain().retried == 5  # still down: the second wait doubles
    waits = {
        (r.next_attempt_at - clock.now).total_seconds()
        for r in rows(session_factory)
        if r.next_attempt_at
    }
    assert waits == {60}
    assert all("SMTP server unreachable" in (r.last_error or "") for r in rows(session_factory))
    mailbox.start()
    clock.advance(61)
    assert w.drain().sent == 5
    assert len(mailbox.messages) == 5 and len(set(mailbox.message_ids())) == 5
    assert sorted(mailbox.message_ids()) == sorted(f"<outbox-{i}@smx.gov.cn>" for i in ids)
    clock.advance(3600)
    assert w.drain().claimed == 0
    assert len(mailbox.messages) == 5
    assert all(
        r.status == OutboxStatus.SENT.value and r.attempts == 3 for r in rows(session_factory)
    )


def test_temporary_refusals_are_retried_and_each_delivered_once(
    mail_settings: Settings, mailbox: Mailbox, session_factory: sessionmaker[Session]
) -> None:
    queue(session_factory, 6)
    mailbox.refuse_next = 4
    clock = WorkerClock()
    w = worker(session_factory, mail_settings, clock)
    assert (w.drain().sent, mailbox.refused) == (2, 4)
    assert {r.last_error for r in rows(session_factory) if r.status == "pending"} == {
        "SMTP 451: 4.3.0 Try again later"
    }
    clock.advance(31)
    assert w.drain().sent == 4
    assert len(mailbox.messages) == 6 and len(set(mailbox.message_ids())) == 6


def test_after_the_last_attempt_a_message_is_failed_and_stays_failed(
    mail_settings: Settings, mailbox: Mailbox, session_factory: sessionmaker[Session]
) -> None:
    settings = mail_settings.model_copy(update={"outbox_max_attempts": 2})
    queue(session_factory, 1)
    mailbox.stop()
    clock = WorkerClock()
    w = worker(session_factory, settings, clock)
    w.drain()
    clock.advance(31)
    assert w.drain().failed == 1
    clock.advance(86400)
    mailbox.start()
    assert w.drain().claimed == 0  # failed rows wait for staff (a retry), never lost silently
    [row] = rows(session_factory)
    assert row.status == OutboxStatus.FAILED.value and row.recipient == "n0@example.cn"


def test_a_worker_stopped_after_claiming_leaves_its_rows_to_the_next(
    mail_settings: Settings, mailbox: Mailbox, session_factory: sessionmaker[Session]
) -> None:
    queue(session_factory, 3)
    clock = WorkerClock()
    stopped = worker(session_factory, mail_settings, clock, name="stopped")
    with session_factory() as session:
        assert len(stopped.claim(session)) == 3  # …and the process ends here
    successor = worker(session_factory, mail_settings, clock, name="successor")
    assert successor.drain().claimed == 0  # the lease still holds: nobody takes them
    clock.advance(mail_settings.outbox_lease_seconds + 1)
    result = successor.drain()
    assert (result.recovered, result.sent) == (3, 3)
    assert len(mailbox.messages) == 3 and len(set(mailbox.message_ids())) == 3


class Killed(BaseException):
    """The process dying: nothing after it runs (not an Exception the worker could catch)."""


class DiesAfterSending:
    """The real SMTP channel, and the worker's process killed once the server has taken the
    message, before the worker could record it."""

    name = ChannelName.EMAIL

    def __init__(self, settings: Settings, before: bool = False) -> None:
        self.inner = EmailChannel(settings)
        self.before = before

    def send(self, to: str, message: Rendered, key: str) -> None:
        if not self.before:
            self.inner.send(to, message, key)
        raise Killed


@pytest.mark.parametrize("dies", ["before the server took it", "after the server took it"])
def test_a_worker_killed_while_sending_leaves_the_row_visibly_failed(
    dies: str,
    mail_settings: Settings,
    mailbox: Mailbox,
    session_factory: sessionmaker[Session],
) -> None:
    queue(session_factory, 2)
    clock = WorkerClock()
    dying = worker(
        session_factory,
        mail_settings,
        clock,
        DiesAfterSending(mail_settings, before=dies.startswith("before")),
        name="dying",
    )
    with pytest.raises(Killed):
        dying.run_once()
    taken = len(mailbox.messages)
    assert taken == (0 if dies.startswith("before") else 1)
    clock.advance(mail_settings.outbox_lease_seconds + 1)
    worker(session_factory, mail_settings, clock, name="restarted").drain()
    first, second = rows(session_factory)
    # the row caught mid-send: nobody can know whether it went out, so it is not re-sent
    # blindly but shown to staff as failed; the row only claimed is delivered normally
    assert first.status == OutboxStatus.FAILED.value and first.last_error == INTERRUPTED
    assert second.status == OutboxStatus.SENT.value
    assert len(mailbox.messages) == taken + 1
    assert len(set(mailbox.message_ids())) == len(mailbox.messages)


def test_several_workers_never_send_one_row_twice(
    mail_settings: Settings, mailbox: Mailbox, session_factory: sessionmaker[Session]
) -> None:
    queue(session_factory, 40)
    clock = WorkerClock()
    workers = [
        Worker(session_factory, mail_settings, clock=clock, batch=3, name=f"w{i}") for i in range(4)
    ]
    errors: list[BaseException] = []

    def run(w: Worker) -> None:
        try:
            w.drain()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(w,)) for w in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(mailbox.messages) == 40 and len(set(mailbox.message_ids())) == 40
    assert all(
        r.status == OutboxStatus.SENT.value and r.attempts == 1 for r in rows(session_factory)
    )


def test_logs_carry_the_domain_only(
    mail_settings: Settings,
    mailbox: Mailbox,
    session_factory: sessionmaker[Session],
    caplog: pytest.LogCaptureFixture,
) -> None:
    queue(session_factory, 1, email="zhang.san@example.cn", phone="13800138000")
    mailbox.stop()
    clock = WorkerClock()
    with caplog.at_level(logging.DEBUG, logger="publisher"):
        worker(session_factory, mail_settings, clock).drain()
        mailbox.start()
        clock.advance(31)
        worker(session_factory, mail_settings, clock).drain()
    ours = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("publisher"))
    assert "example.cn" in ours and "failed" in ours and "sent" in ours
    assert "zhang.san" not in ours and "13800138000" not in ours
    [email_row, sms_row] = rows(session_factory)
    assert email_row.recipient == "z***@example.cn"  # delivered: only the masked form is kept
    assert sms_row.status == OutboxStatus.PENDING.value  # no SMS gateway here: it waits


def test_the_service_killed_while_sending_leaves_each_row_delivered_once_or_visibly_failed(
    mail_settings: Settings, mailbox: Mailbox, session_factory: sessionmaker[Session]
) -> None:
    """A real process (`publisher outbox run`), SIGKILLed while the SMTP server holds its
    first message; then a worker starts again, as after a restart."""
    ids = queue(session_factory, 10)
    mailbox.hold.clear()  # the server takes the first DATA and does not answer yet
    env = os.environ | {
        "PUBLISHER_DATABASE_URL": mail_settings.effective_database_url,
        "PUBLISHER_ENVIRONMENT": "test",
        "PUBLISHER_SMTP_HOST": "127.0.0.1",
        "PUBLISHER_SMTP_PORT": str(mailbox.port),
        "PUBLISHER_OUTBOX_POLL_SECONDS": "0.2",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "publisher.cli", "outbox", "run"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if any(r.status == OutboxStatus.SENDING.value for r in rows(session_factory)):
                break
            time.sleep(0.05)
        else:
            pytest.fail("the worker never started sending")
        process.send_signal(signal.SIGKILL)
        process.wait(30)
    finally:
        if process.poll() is None:
            process.kill()
        mailbox.hold.set()
    before = {r.id: r.status for r in rows(session_factory)}
    assert sorted(before.values()) == ["claimed"] * 9 + ["sending"]
    clock = WorkerClock()
    clock.advance(mail_settings.outbox_lease_seconds + 1)
    result = worker(session_factory, mail_settings, clock, name="after-restart").drain()
    assert (result.recovered, result.sent) == (10, 9)
    after = rows(session_factory)
    received = mailbox.message_ids()
    assert len(received) == len(set(received))  # nothing twice
    for row in after:
        copies = received.count(f"<outbox-{row.id}@smx.gov.cn>")
        if row.status == OutboxStatus.SENT.value:
            assert copies == 1
        else:  # the one caught mid-send: visibly failed, for staff to decide
            assert row.status == OutboxStatus.FAILED.value and row.last_error == INTERRUPTED
            assert copies <= 1
    assert {r.id for r in after} == set(ids)
