"""No sending inside a request, however many people an action concerns; the worker as a
command (`publisher outbox run --once`) and inside the app (`publisher serve`)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from consultation.models import Comment
from publisher.settings import Settings
from publisher.web.app import create_app
from tests.notifications.conftest import queue, rows
from tests.support.bodies import open_consultation
from tests.support.clock import CONSULTATIONS_NOW, Clock
from tests.support.mail import Mailbox, text_of
from tests.support.outbox import deliver, outbox_count
from tests.support.staff import StaffFixture

BULK = 1000


@pytest.fixture
def client(mail_settings: Settings) -> Iterator[TestClient]:
    app = create_app(mail_settings)
    app.state.clock = Clock(CONSULTATIONS_NOW)
    with TestClient(app, base_url="http://testserver") as test_client:
        yield test_client
    app.state.engine.dispose()


def test_answering_a_thousand_comments_sends_nothing_inside_the_request(
    client: TestClient,
    mail_settings: Settings,
    mailbox: Mailbox,
    staff: StaffFixture,
    session_factory: sessionmaker[Session],
) -> None:
    editor = staff.headers("editor")
    draft_id = open_consultation(client, editor)
    with session_factory() as session:
        session.add_all(
            Comment(
                draft_id=draft_id,
                receipt_code=f"YJ-{i:05d}-BULK0",
                channel="web",
                body=f"意见{i}",
                email=f"c{i}@example.cn",
                text_hash=f"{i:064d}",
                submitted_at=CONSULTATIONS_NOW,
            )
            for i in range(BULK)
        )
        session.commit()
        ids = [c.id for c in session.query(Comment).filter(Comment.draft_id == draft_id)]
    mailbox.stop()  # the mail server is down: the answer must not care
    started = time.perf_counter()
    answered = client.post(
        f"/api/v1/staff/consultations/{draft_id}/answers",
        json={"comment_ids": ids, "disposition": "adopted", "reason": "已采纳。"},
        headers=editor,
    )
    took = time.perf_counter() - started
    assert answered.status_code == 200, answered.text
    assert answered.json() == {"answered": BULK, "messages_queued": BULK}
    print(f"\nanswer of {BULK} comments: {took:.2f} s, nothing sent inside the request")
    assert took < 30  # generous for a loaded CI machine; a synchronous send would hang here
    assert outbox_count(mail_settings, status="pending") == BULK
    mailbox.start()
    started = time.perf_counter()
    assert deliver(mail_settings).sent == BULK
    print(f"drained {BULK} e-mails in {time.perf_counter() - started:.1f} s")
    assert len(mailbox.messages) == BULK and len(set(mailbox.message_ids())) == BULK


def test_publisher_outbox_run_once_delivers_what_is_due(
    mail_settings: Settings, mailbox: Mailbox, session_factory: sessionmaker[Session]
) -> None:
    queue(session_factory, 3)
    env = os.environ | {
        "PUBLISHER_DATABASE_URL": mail_settings.effective_database_url,
        "PUBLISHER_ENVIRONMENT": "test",
        "PUBLISHER_SMTP_HOST": "127.0.0.1",
        "PUBLISHER_SMTP_PORT": str(mailbox.port),
        "PUBLISHER_BASE_URL": "https://ygk.smx.gov.cn",
    }
    done = subprocess.run(
        [sys.executable, "-m", "publisher.cli", "outbox", "run", "--once"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "3 sent" in done.stdout
    assert len(mailbox.messages) == 3
    assert "https://ygk.smx.gov.cn/a/CH-00000-AAAAA" in text_of(mailbox.messages[0])
    assert all(r.status == "sent" for r in rows(session_factory))


def test_the_app_delivers_in_the_background_unless_turned_off(
    mail_settings: Settings, mailbox: Mailbox, session_factory: sessionmaker[Session]
) -> None:
    queue(session_factory, 2)
    off = create_app(mail_settings)  # the test settings turn the background worker off
    with TestClient(off):
        assert off.state.outbox_worker is None
    off.state.engine.dispose()
    on = create_app(
        mail_settings.model_copy(update={"outbox_worker": True, "outbox_poll_seconds": 0.2})
    )
    with TestClient(on):
        deadline = time.monotonic() + 20
        while len(mailbox.messages) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
    on.state.engine.dispose()
    assert len(mailbox.messages) == 2
    assert all(r.status == "sent" for r in rows(session_factory))
