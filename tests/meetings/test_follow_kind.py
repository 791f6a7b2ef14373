"""Following a meeting kind (issue #13 item 3): a notice scheduled for later is announced by
the outbox worker's job when its publication time comes, once; a change and a cancellation
follow; followers of another kind hear nothing; each alert unsubscribes its own topic."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from publisher.settings import Settings
from publisher.web.app import create_app
from tests.support.clock import Clock, local
from tests.support.mail import Mailbox, text_of
from tests.support.outbox import deliver
from tests.support.staff import StaffFixture

PLENARY = "plenary@example.cn"
EXECUTIVE = "executive@example.cn"


@pytest.fixture
def mail_client(mail_settings: Settings, clock: Clock) -> Iterator[TestClient]:
    app = create_app(mail_settings)
    app.state.clock = clock
    with TestClient(app, base_url="http://testserver") as client:
        yield client
    app.state.engine.dispose()


def _follow(client: TestClient, settings: Settings, mailbox: Mailbox, clock: Clock) -> str:
    listing = client.get("/meetings").text
    assert 'href="/meetings/follow?kind=plenary"' in listing
    assert "关注市政府常务会议" in listing
    form = client.get("/meetings/follow?kind=plenary")
    assert form.status_code == 200 and "市政府全体会议的预告" in form.text
    assert client.get("/meetings/follow?kind=nonsense").status_code == 404
    for kind, email in (("plenary", PLENARY), ("executive", EXECUTIVE)):
        asked = client.post(f"/meetings/follow?kind={kind}", data={"email": email})
        assert asked.status_code == 200 and "确认邮件已发送" in asked.text
    deliver(settings, clock)
    token = ""
    for message in mailbox.messages:
        found = re.search(r"/follow/confirm\?token=([\w-]+)", text_of(message))
        assert found is not None
        assert client.get(f"/follow/confirm?token={found.group(1)}").status_code == 200
        if message["To"] == PLENARY:
            token = found.group(1)
    return token


def test_a_scheduled_notice_a_change_and_a_cancellation_reach_the_kind_followers_once(
    mail_client: TestClient,
    mail_settings: Settings,
    mailbox: Mailbox,
    staff: StaffFixture,
    clock: Clock,
) -> None:
    client = mail_client
    token = _follow(client, mail_settings, mailbox, clock)
    editor = staff.headers("editor")
    created = client.post(
        "/api/v1/staff/meetings",
        json={
            "kind": "plenary",
            "title": "市政府第十次全体会议",
            "starts_at": local(2026, 12, 7, 9, 30).isoformat(),
            "ends_at": local(2026, 12, 7, 11, 30).isoformat(),
            "place": "市政府第一会议室",
            "agenda": "一、审议《三门峡市2027年民生实事方案》",
            "participation": "社会公众代表可申请列席。",
            "application_deadline": local(2026, 12, 4, 17, 0).isoformat(),
            "capacity": 3,
            "media_allowed": True,
        },
        headers=editor,
    )
    assert created.status_code == 201, created.text
    path = f"/api/v1/staff/meetings/{created.json()['id']}"
    when = local(2026, 11, 23, 9, 0)
    published = client.post(
        f"{path}/publish", json={"publication_at": when.isoformat()}, headers=editor
    )
    assert published.status_code == 200, published.text
    deliver(mail_settings, clock)
    alerts: Callable[[str], list[Any]] = lambda to: mailbox.to(to)[1:]  # noqa: E731
    assert alerts(PLENARY) == []  # not public yet
    clock.now = when + dt.timedelta(seconds=30)
    deliver(mail_settings, clock)
    deliver(mail_settings, clock)
    [announced] = alerts(PLENARY)
    assert str(announced["Subject"]) == "会议预告：市政府第十次全体会议"
    unsubscribe = f"http://testserver/follow/unsubscribe?token={token}"
    assert str(announced["List-Unsubscribe"]) == f"<{unsubscribe}>"
    assert announced["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "市政府第一会议室" in text_of(announced)

    clock.now = local(2026, 11, 24, 9, 0)
    moved = client.patch(path, json={"place": "市民之家报告厅"}, headers=editor)
    assert moved.status_code == 200, moved.text
    cancelled = client.post(f"{path}/cancel", json={"reason": "议题调整"}, headers=editor)
    assert cancelled.status_code == 200, cancelled.text
    deliver(mail_settings, clock)
    subjects = [str(m["Subject"]) for m in alerts(PLENARY)]
    assert subjects == [
        "会议预告：市政府第十次全体会议",
        "会议预告变更：市政府第十次全体会议",
        "会议取消：市政府第十次全体会议",
    ]
    assert "议题调整" in text_of(alerts(PLENARY)[-1])
    assert alerts(EXECUTIVE) == []  # another kind: nothing
    assert PLENARY not in client.get("/meetings").text
