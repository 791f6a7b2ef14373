"""Following one consultation by e-mail: double opt-in, alerts through the outbox with a
one-click unsubscribe (RFC 8058), the address never shown, requests limited."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from consultation.retention import forget_followers
from publisher.notifications.models import Subscription
from publisher.settings import Settings
from publisher.web.app import create_app
from tests.support.bodies import open_consultation
from tests.support.clock import CONSULTATIONS_NOW, Clock, local
from tests.support.mail import Mailbox, text_of
from tests.support.outbox import deliver
from tests.support.staff import StaffFixture

STAFF = "/api/v1/staff/consultations"
ADDRESS = "follower@example.cn"


@pytest.fixture
def mail_client(mail_settings: Settings, clock: Clock) -> Iterator[TestClient]:
    app = create_app(mail_settings)
    app.state.clock = clock
    with TestClient(app, base_url="http://testserver") as client:
        yield client
    app.state.engine.dispose()


def _link(text: str, path: str) -> str:
    found = re.search(rf"http://testserver({re.escape(path)}\?token=[\w-]+)", text)
    assert found is not None, text
    return found.group(1)


def _extend(client: TestClient, staff: StaffFixture, draft_id: int, day: int) -> None:
    extended = client.post(
        f"{STAFF}/{draft_id}/extend",
        json={"closes_at": local(2026, 12, day, 0, 0).isoformat(), "reason": "听取更多意见"},
        headers=staff.headers("editor"),
    )
    assert extended.status_code == 200, extended.text


def test_follow_confirm_alert_and_one_click_unsubscribe(
    mail_client: TestClient,
    mail_settings: Settings,
    mailbox: Mailbox,
    staff: StaffFixture,
    clock: Clock,
) -> None:
    client = mail_client
    draft_id = open_consultation(client, staff.headers("editor"))
    asked = client.post(f"/consultations/{draft_id}/follow", data={"email": ADDRESS})
    assert asked.status_code == 200 and "确认邮件已发送" in asked.text
    _extend(client, staff, draft_id, 10)
    deliver(mail_settings)
    [confirmation] = mailbox.to(ADDRESS)  # not confirmed: no alert, only the confirmation
    assert str(confirmation["Subject"]).startswith("请确认关注《")
    assert confirmation["List-Unsubscribe"] is None
    confirmed = client.get(_link(text_of(confirmation), "/follow/confirm"))
    assert confirmed.status_code == 200 and "已关注" in confirmed.text

    clock.now = local(2026, 11, 24, 9, 0)
    _extend(client, staff, draft_id, 14)
    deliver(mail_settings)
    alert = mailbox.to(ADDRESS)[-1]
    assert "征求意见期延长" in str(alert["Subject"])
    unsubscribe = str(alert["List-Unsubscribe"]).strip("<>")
    assert unsubscribe.startswith("http://testserver/follow/unsubscribe?token=")
    assert alert["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert unsubscribe in text_of(alert)
    path = unsubscribe.removeprefix("http://testserver")
    assert "取消关注" in client.get(path).text  # a GET (a link scanner) changes nothing
    one_click = client.post(path, data={"List-Unsubscribe": "One-Click"})
    assert one_click.status_code == 200 and "已取消关注" in one_click.text
    assert client.post(path, data={"List-Unsubscribe": "One-Click"}).status_code == 200

    clock.now = local(2026, 12, 14, 0, 1)
    summary = client.post(
        f"{STAFF}/{draft_id}/summary",
        json={"outcome_text": "已按意见修改。"},
        headers=staff.headers("reviewer"),
    )
    assert summary.status_code == 200, summary.text
    deliver(mail_settings)
    assert len(mailbox.to(ADDRESS)) == 2  # unsubscribed: nothing more
    for page in (f"/consultations/{draft_id}", "/consultations"):
        assert ADDRESS not in client.get(page).text


def test_the_summary_reaches_followers_and_asking_twice_reveals_nothing(
    mail_client: TestClient,
    mail_settings: Settings,
    mailbox: Mailbox,
    staff: StaffFixture,
    clock: Clock,
) -> None:
    client = mail_client
    draft_id = open_consultation(client, staff.headers("editor"))
    client.post(f"/consultations/{draft_id}/follow", data={"email": ADDRESS})
    deliver(mail_settings)
    client.get(_link(text_of(mailbox.to(ADDRESS)[0]), "/follow/confirm"))
    again = client.post(f"/consultations/{draft_id}/follow", data={"email": ADDRESS})
    assert again.status_code == 200 and "确认邮件已发送" in again.text  # the same answer…
    deliver(mail_settings)
    assert len(mailbox.to(ADDRESS)) == 1  # …and nothing sent to an address already following
    clock.now = local(2026, 12, 7, 0, 1)
    published = client.post(
        f"{STAFF}/{draft_id}/summary",
        json={"outcome_text": "已按意见修改。"},
        headers=staff.headers("reviewer"),
    )
    assert published.status_code == 200, published.text
    deliver(mail_settings)
    alert = mailbox.to(ADDRESS)[-1]
    assert "意见采纳情况已公布" in str(alert["Subject"])
    assert alert["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    closed = client.post(f"/consultations/{draft_id}/follow", data={"email": "x@example.cn"})
    assert closed.status_code == 409 and "已结束" in closed.text


def test_requests_are_limited_per_address_and_bad_links_refused(
    client: TestClient, staff: StaffFixture
) -> None:
    draft_id = open_consultation(client, staff.headers("editor"))
    url = f"/consultations/{draft_id}/follow"
    for _ in range(3):
        assert client.post(url, data={"email": ADDRESS}).status_code == 200
    fourth = client.post(url, data={"email": ADDRESS}, headers={"X-Forwarded-For": "192.0.2.9"})
    assert fourth.status_code == 429  # a mailbox cannot be flooded with confirmations
    for n in range(7):
        assert client.post(url, data={"email": f"p{n}@example.cn"}).status_code == 200
    eleventh = client.post(url, data={"email": "q@example.cn"})
    assert eleventh.status_code == 429  # nor can one address ask for every mailbox
    assert client.post(url, data={"email": "not-an-address"}).status_code == 422
    assert client.get("/follow/confirm?token=nope").status_code == 404
    assert client.post("/follow/unsubscribe?token=").status_code == 404


def test_followers_are_forgotten_when_their_purpose_is_over(
    client: TestClient, staff: StaffFixture, db: Session
) -> None:
    draft_id = open_consultation(client, staff.headers("editor"))
    for email in ("a@example.cn", "b@example.cn"):
        client.post(f"/consultations/{draft_id}/follow", data={"email": email})
    now = CONSULTATIONS_NOW
    assert forget_followers(db, now + dt.timedelta(days=6)) == 0
    assert forget_followers(db, now + dt.timedelta(days=7)) == 2  # never confirmed
    db.commit()
    assert db.scalar(select(func.count()).select_from(Subscription)) == 0
