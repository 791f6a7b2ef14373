"""Staff see what has not been delivered, with the error and the recipient masked, and can
retry a failed message (CSRF on the page, recorded in the audit log)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from publisher.notifications.retention import EXPIRED, expire_undelivered
from publisher.settings import Settings
from publisher.staff.models import AuditEvent
from publisher.web.app import create_app
from tests.notifications.conftest import WorkerClock, queue, rows
from tests.support.mail import Mailbox
from tests.support.outbox import deliver
from tests.support.staff import StaffFixture, sign_in


@pytest.fixture
def client(mail_settings: Settings) -> Iterator[TestClient]:
    app = create_app(mail_settings)
    with TestClient(app, base_url="http://testserver") as test_client:
        yield test_client
    app.state.engine.dispose()


def failed_once(settings: Settings, mailbox: Mailbox, factory: sessionmaker[Session]) -> int:
    """One message to zhang.san@example.cn that failed for good while the server was down."""
    [message_id] = queue(factory, 1, email="zhang.san@example.cn")
    mailbox.stop()
    deliver(settings.model_copy(update={"outbox_max_attempts": 1}), clock=WorkerClock())
    mailbox.start()
    return message_id


def test_the_page_lists_failures_masked_and_a_retry_delivers_once(
    client: TestClient,
    mail_settings: Settings,
    mailbox: Mailbox,
    staff: StaffFixture,
    session_factory: sessionmaker[Session],
) -> None:
    message_id = failed_once(mail_settings, mailbox, session_factory)
    csrf = sign_in(client, "editor")
    page = client.get("/staff/outbox")
    assert page.status_code == 200
    assert "z***@example.cn" in page.text and "zhang.san" not in page.text
    assert "发送失败" in page.text and "SMTP server unreachable" in page.text
    assert f'action="/staff/outbox/{message_id}/retry"' in page.text
    forged = client.post(f"/staff/outbox/{message_id}/retry", data={}, follow_redirects=False)
    assert forged.status_code == 403  # no CSRF token: refused, nothing queued again
    assert rows(session_factory)[0].status == "failed"
    retried = client.post(
        f"/staff/outbox/{message_id}/retry", data={"csrf_token": csrf}, follow_redirects=False
    )
    assert retried.status_code == 303
    assert "已重新排入发送队列" in client.get(retried.headers["location"]).text
    assert deliver(mail_settings).sent == 1
    assert len(mailbox.to("zhang.san@example.cn")) == 1
    assert "所有通知均已送达" in client.get("/staff/outbox").text
    again = client.post(f"/staff/outbox/{message_id}/retry", data={"csrf_token": csrf})
    assert again.status_code == 409 and "只有发送失败的消息可以重试" in again.text
    with session_factory() as session:
        audit = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "notification.retry")
        ).all()
    assert [a.object_id for a in audit] == [str(message_id)]
    assert "zhang.san" not in (audit[0].details or "")


def test_the_api_lists_and_retries(
    client: TestClient,
    mail_settings: Settings,
    mailbox: Mailbox,
    staff: StaffFixture,
    session_factory: sessionmaker[Session],
) -> None:
    message_id = failed_once(mail_settings, mailbox, session_factory)
    editor = staff.headers("editor")
    [listed] = client.get("/api/v1/staff/outbox", headers=editor).json()
    assert listed["id"] == message_id and listed["status"] == "failed"
    assert listed["recipient"] == "z***@example.cn" and listed["receipt"] == "CH-00000-AAAAA"
    assert re.search(r"\+08:00$", listed["created_at"])
    retried = client.post(f"/api/v1/staff/outbox/{message_id}/retry", headers=editor)
    assert retried.status_code == 200 and retried.json()["status"] == "pending"
    assert client.post("/api/v1/staff/outbox/1/retry").status_code == 401


def test_an_undelivered_address_is_erased_after_thirty_days_and_never_retried(
    client: TestClient,
    mail_settings: Settings,
    staff: StaffFixture,
    session_factory: sessionmaker[Session],
) -> None:
    [message_id] = queue(session_factory, 1, phone="13800138000")  # no SMS gateway: it waits
    [row] = rows(session_factory)
    with session_factory() as session:
        assert expire_undelivered(session, row.created_at + dt.timedelta(days=29)) == 0
        assert expire_undelivered(session, row.created_at + dt.timedelta(days=30)) == 1
        session.commit()
    [row] = rows(session_factory)
    assert row.recipient == "138****8000" and row.status == "failed" and row.last_error == EXPIRED
    retried = client.post(
        f"/api/v1/staff/outbox/{message_id}/retry", headers=staff.headers("editor")
    )
    assert retried.status_code == 409 and "隐去" in retried.json()["error"]["message_zh"]
