"""Following all consultations and a department's (issue #13 item 3): a draft published at a
scheduled instant is announced once by the outbox worker's job, one message per address even
when it follows two matching topics, with the unsubscribe link of its own topic; two workers
racing write the messages once; a big fan-out sends nothing inside the request."""

from __future__ import annotations

import datetime as dt
import re
import threading
import time
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session, sessionmaker

from consultation.notify import OPENED, OPENED_ALERTS
from publisher.notifications.fanout import run_scheduled
from publisher.notifications.models import FanOut, OutboxMessage, Subscription
from publisher.settings import Settings
from publisher.web.app import create_app
from tests.support.bodies import open_consultation
from tests.support.clock import Clock, local
from tests.support.mail import Mailbox, text_of
from tests.support.outbox import deliver, outbox_count
from tests.support.staff import StaffFixture

STAFF = "/api/v1/staff/consultations"
DEPARTMENT = "市城市管理局"
LATER = local(2026, 11, 24, 9, 0)


@pytest.fixture
def mail_client(mail_settings: Settings, clock: Clock) -> Iterator[TestClient]:
    app = create_app(mail_settings)
    app.state.clock = clock
    with TestClient(app, base_url="http://testserver") as client:
        yield client
    app.state.engine.dispose()


def _token(message: object) -> str:
    found = re.search(r"/follow/confirm\?token=([\w-]+)", text_of(message))
    assert found is not None
    return found.group(1)


def _scheduled_draft(client: TestClient, staff: StaffFixture) -> int:
    """A draft whose publication (and window) starts tomorrow: nothing is written then."""
    return open_consultation(
        client,
        staff.headers("editor"),
        title="三门峡市城区绿化管理办法（征求意见稿）",
        opens_at=LATER.isoformat(),
        publish_at=LATER.isoformat(),
        closes_at=local(2026, 12, 9, 0, 0).isoformat(),
    )


def _followers(session_factory: sessionmaker[Session], count: int, kind: str, key: str) -> None:
    now = local(2026, 11, 23, 9, 0)
    rows = [
        {
            "topic_kind": kind,
            "topic_key": key,
            "topic_title": "全部征求意见",
            "email": f"f{n}@example.cn",
            "token": f"t-{kind}-{n}",
            "requested_at": now,
            "confirmed_at": now,
        }
        for n in range(count)
    ]
    with session_factory() as session:
        session.execute(insert(Subscription), rows)
        session.commit()


def test_a_scheduled_draft_reaches_each_follower_once_with_its_own_topic_link(
    mail_client: TestClient,
    mail_settings: Settings,
    mailbox: Mailbox,
    staff: StaffFixture,
    clock: Clock,
) -> None:
    client = mail_client
    first = open_consultation(client, staff.headers("editor"))  # the department is known now
    assert "/consultations/follow" in client.get("/consultations").text
    department_link = f"/consultations/department/follow?name={DEPARTMENT}"
    assert "关注该部门的征求意见" in client.get(f"/consultations/{first}").text
    assert "市城市管理局的征求意见" in client.get(department_link).text
    assert "关注市城市管理局的征求意见" in client.get("/consultations/department/follow").text
    for path, email in (
        (department_link, "both@example.cn"),
        ("/consultations/follow", "both@example.cn"),
        ("/consultations/follow", "all@example.cn"),
    ):
        asked = client.post(path, data={"email": email})
        assert asked.status_code == 200 and "确认邮件已发送" in asked.text
    assert (
        client.post(
            department_link.replace(DEPARTMENT, "无此部门"), data={"email": "x@example.cn"}
        ).status_code
        == 404
    )
    deliver(mail_settings, clock)
    tokens = {}
    for message in mailbox.messages:
        tokens[(message["To"], "部门" if "市城市管理局" in str(message["Subject"]) else "全部")] = (
            _token(message)
        )
        assert client.get(f"/follow/confirm?token={_token(message)}").status_code == 200
    assert len(tokens) == 3

    draft_id = _scheduled_draft(client, staff)
    deliver(mail_settings, clock)  # not yet public: nobody told
    assert outbox_count(mail_settings, event=OPENED) == 0
    clock.now = LATER + dt.timedelta(minutes=1)  # published "now", by the clock alone
    deliver(mail_settings, clock)
    deliver(mail_settings, clock)  # again: nothing twice
    [both] = [m for m in mailbox.to("both@example.cn") if "新的征求意见" in str(m["Subject"])]
    [alone] = [m for m in mailbox.to("all@example.cn") if "新的征求意见" in str(m["Subject"])]
    for message, token in (
        (both, tokens[("both@example.cn", "部门")]),
        (alone, tokens[("all@example.cn", "全部")]),
    ):
        assert f"/consultations/{draft_id}" in text_of(message)
        assert (
            str(message["List-Unsubscribe"])
            == f"<http://testserver/follow/unsubscribe?token={token}>"
        )
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "市城市管理局的征求意见" in text_of(both)  # the topic it came through
    one_click = client.post(f"/follow/unsubscribe?token={tokens[('both@example.cn', '部门')]}")
    assert one_click.status_code == 200 and "已取消关注" in one_click.text
    for page in ("/consultations", f"/consultations/{draft_id}", department_link):
        assert "both@example.cn" not in client.get(page).text


def test_two_workers_racing_on_a_due_draft_write_one_message_per_follower(
    client: TestClient,
    staff: StaffFixture,
    session_factory: sessionmaker[Session],
    backend: str,
) -> None:
    draft_id = _scheduled_draft(client, staff)
    _followers(session_factory, 300, "consultations", "")
    _followers(session_factory, 300, "department", DEPARTMENT)  # the same 300 addresses
    racers = 2
    start = threading.Barrier(racers)
    written: list[int] = []
    errors: list[BaseException] = []

    def race() -> None:
        try:
            with session_factory() as session:
                start.wait()
                written.append(run_scheduled(session, [OPENED_ALERTS], LATER))
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=race) for _ in range(racers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    assert sorted(written) == [0, 300]
    with session_factory() as session:
        sent = session.scalar(
            select(func.count(func.distinct(OutboxMessage.recipient))).where(
                OutboxMessage.event == OPENED
            )
        )
        assert sent == session.scalar(
            select(func.count()).select_from(OutboxMessage).where(OutboxMessage.event == OPENED)
        )
        assert sent == 300
        ledger = session.scalars(select(FanOut).where(FanOut.event == OPENED)).all()
        assert [(f.subject, f.messages) for f in ledger] == [
            (f"consultation_draft:{draft_id}", 300)
        ]


def test_a_big_fan_out_is_written_not_sent_inside_the_request(
    mail_client: TestClient,
    mail_settings: Settings,
    mailbox: Mailbox,
    staff: StaffFixture,
    session_factory: sessionmaker[Session],
) -> None:
    draft_id = open_consultation(mail_client, staff.headers("editor"))
    _followers(session_factory, 2000, "consultation", str(draft_id))
    started = time.monotonic()
    extended = mail_client.post(
        f"{STAFF}/{draft_id}/extend",
        json={"closes_at": local(2026, 12, 10, 0, 0).isoformat(), "reason": "听取更多意见"},
        headers=staff.headers("editor"),
    )
    took = time.monotonic() - started
    assert extended.status_code == 200, extended.text
    assert took < 20, took
    assert mailbox.messages == []  # nothing went on the network inside the request
    assert outbox_count(mail_settings, event="consultation.follow.extended") == 2000
