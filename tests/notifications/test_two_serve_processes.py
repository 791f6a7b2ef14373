"""The outbox under two `publisher serve` processes on one PostgreSQL (#21 item 3): each event
is one message, sent once, whichever process takes it; a process killed with messages claimed
leaves them to the other, which sends each exactly once after the lease, while the one it was
sending when killed is marked failed for staff (it may have gone out). Real processes, a real
SMTP server, the real clock (a 3-second lease)."""

from __future__ import annotations

import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import httpx
import pytest
from sqlalchemy.orm import Session, sessionmaker

from bench._servers import calendar_covering, open_consultation_on
from publisher.notifications.models import OutboxMessage
from publisher.notifications.vocabulary import OutboxStatus
from publisher.notifications.worker import INTERRUPTED
from publisher.storage.db import make_engine, make_session_factory
from tests.harness.serve import serve_env, start_serve, stop
from tests.notifications.conftest import queue, rows
from tests.support.mail import Mailbox

pytestmark = pytest.mark.parametrize("backend", ["postgresql"])

LEASE_SECONDS = 3
Machine = tuple[subprocess.Popen[bytes], str]


@pytest.fixture
def factory(db_url: str) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(db_url)
    yield make_session_factory(engine)
    engine.dispose()


@pytest.fixture
def machines(db_url: str, tmp_path: Path, mailbox: Mailbox) -> Iterator[tuple[list[Machine], int]]:
    calendar = calendar_covering(tmp_path / "calendar")
    draft_id = open_consultation_on(db_url, calendar)
    with ExitStack() as stack:
        started: list[Machine] = []
        for name in ("a", "b"):
            log = stack.enter_context((tmp_path / f"{name}.log").open("wb"))
            env = serve_env(
                db_url,
                tmp_path / name,
                PUBLISHER_CALENDAR_DIR=str(calendar),
                PUBLISHER_SMTP_HOST="127.0.0.1",
                PUBLISHER_SMTP_PORT=str(mailbox.port),
                PUBLISHER_OUTBOX_POLL_SECONDS="0.2",
                PUBLISHER_OUTBOX_LEASE_SECONDS=str(LEASE_SECONDS),
            )
            started.append(start_serve(env, log))
            stack.callback(stop, started[-1][0])
        yield started, draft_id


def _settled(factory: sessionmaker[Session], seconds: float) -> list[OutboxMessage]:
    """The outbox once nothing is waiting, claimed or being sent (or after `seconds`)."""
    busy = {OutboxStatus.PENDING.value, OutboxStatus.CLAIMED.value, OutboxStatus.SENDING.value}
    deadline = time.monotonic() + seconds
    while True:
        found = rows(factory)
        if not any(r.status in busy for r in found) or time.monotonic() > deadline:
            return found
        time.sleep(0.1)


def test_each_event_is_one_message_sent_once_with_both_processes_delivering(
    machines: tuple[list[Machine], int], factory: sessionmaker[Session], mailbox: Mailbox
) -> None:
    started, draft_id = machines
    for n in range(8):
        base = started[n % 2][1]
        answer = httpx.post(
            f"{base}/api/v1/consultations/{draft_id}/comments",
            json={"text": f"第{n}条意见", "name": f"市民{n}", "email": f"c{n}@example.cn"},
            headers={"X-Forwarded-For": f"198.51.100.{n + 1}"},
            timeout=30,
        )
        assert answer.status_code == 201, answer.text
    found = _settled(factory, 30)
    assert len(found) == 8 and {r.status for r in found} == {OutboxStatus.SENT.value}
    received = mailbox.message_ids()
    assert sorted(received) == sorted(f"<outbox-{r.id}@smx.gov.cn>" for r in found)


def test_a_killed_process_leaves_its_claimed_messages_to_the_other(
    machines: tuple[list[Machine], int], factory: sessionmaker[Session], mailbox: Mailbox
) -> None:
    started = machines[0]
    mailbox.hold.clear()  # the SMTP server takes the first message and does not answer yet
    ids = queue(factory, 6)
    deadline = time.monotonic() + 30
    sending: OutboxMessage | None = None
    while sending is None and time.monotonic() < deadline:
        sending = next((r for r in rows(factory) if r.status == OutboxStatus.SENDING.value), None)
        time.sleep(0.05)
    assert sending is not None and sending.claimed_by, "no process started sending"
    victim = next(p for p, _ in started if f":{p.pid}:" in sending.claimed_by)
    survivor = next(p for p, _ in started if p is not victim)
    left_claimed = [
        r.id
        for r in rows(factory)
        if r.claimed_by == sending.claimed_by and r.status == OutboxStatus.CLAIMED.value
    ]
    assert left_claimed, "the killed process should hold claimed messages besides the one sent"
    victim.send_signal(signal.SIGKILL)
    victim.wait(30)
    mailbox.hold.set()

    found = {r.id: r for r in _settled(factory, LEASE_SECONDS + 30)}
    received = mailbox.message_ids()
    assert len(received) == len(set(received))  # nothing twice
    for message_id in left_claimed:  # picked up after the lease by the survivor, once
        assert found[message_id].status == OutboxStatus.SENT.value
        assert received.count(f"<outbox-{message_id}@smx.gov.cn>") == 1
    caught = found[sending.id]  # maybe out, maybe not: visibly failed, for staff to retry
    assert caught.status == OutboxStatus.FAILED.value and caught.last_error == INTERRUPTED
    assert received.count(f"<outbox-{sending.id}@smx.gov.cn>") <= 1
    assert set(found) == set(ids) and survivor.poll() is None
