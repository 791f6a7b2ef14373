"""Attendance applications are idempotent and limited (issue: hold under attack).

Before: a retry after a lost answer got a bare 409 without the receipt code; one address
filled all the places in a burst; one receipt code posted 20 opinions; receipt look-ups were
unlimited. Each test here failed on that code.
"""

from __future__ import annotations

import re
import threading
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from publisher.errors import Conflict, TooManyRequests
from publisher.meetings import intake
from publisher.meetings.models import MeetingApplication, RepresentativeOpinion
from publisher.meetings.vocabulary import RepresentativeCategory
from publisher.settings import Settings
from tests.meetings.test_applications import application, open_notice
from tests.support.clock import MEETINGS_NOW
from tests.support.mail import Mailbox, text_of
from tests.support.outbox import deliver


def _from(address: str) -> dict[str, str]:
    return {"X-Forwarded-For": address}


def _rows(factory: sessionmaker[Session], model: type[Any] = MeetingApplication) -> int:
    with factory() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def test_a_retry_with_the_same_key_returns_the_same_receipt(
    client: TestClient, staff: Any, session_factory: sessionmaker[Session]
) -> None:
    mid = open_notice(client, staff)
    path = f"/api/v1/meetings/{mid}/applications"
    key = {"Idempotency-Key": "a1b2c3"}
    first = client.post(path, json=application(), headers=key)
    again = client.post(path, json=application(), headers=key)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["receipt_code"] == again.json()["receipt_code"]
    assert _rows(session_factory) == 1


def test_concurrent_retries_with_one_key_store_one_application(
    client: TestClient, staff: Any, session_factory: sessionmaker[Session]
) -> None:
    mid = open_notice(client, staff)
    codes: list[str] = []
    failures: list[BaseException] = []
    barrier = threading.Barrier(8)

    def submit() -> None:
        try:
            with session_factory() as session:
                barrier.wait()
                data = intake.ApplicationInput(
                    "李市民", "13800138000", RepresentativeCategory.CITIZEN
                )
                found, _ = intake.apply_to_attend(
                    session,
                    mid,
                    data,
                    MEETINGS_NOW,
                    requester="one",
                    idempotency_key="same-key",
                )
                codes.append(found.receipt_code)
        except BaseException as exc:
            failures.append(exc)

    threads = [threading.Thread(target=submit) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
    assert len(codes) == 8 and len(set(codes)) == 1
    assert _rows(session_factory) == 1


def test_the_same_phone_again_gets_its_receipt_by_mail_never_in_the_answer(
    mail_client: TestClient,
    mail_settings: Settings,
    staff: Any,
    mailbox: Mailbox,
    session_factory: sessionmaker[Session],
) -> None:
    client = mail_client
    mid = open_notice(client, staff)
    path = f"/api/v1/meetings/{mid}/applications"
    receipt = client.post(path, json=application(email="li@example.cn")).json()["receipt_code"]
    for attempt in range(4):
        again = client.post(path, json=application(), headers=_from(f"203.0.113.{attempt}"))
        assert again.status_code == 409
        error = again.json()["error"]
        assert error["code"] == "already_applied"
        assert "重新发送至该邮箱" in error["message_zh"]
        assert receipt not in again.text and "CH-" not in again.text
    deliver(mail_settings)
    resent = [m for m in mailbox.to("li@example.cn") if "回执码 —" in str(m["Subject"])]
    assert len(resent) == 3  # three re-sends a day at most: the mailbox cannot be flooded
    assert all(receipt in text_of(m) for m in resent)
    assert _rows(session_factory) == 1


def test_the_answer_is_the_same_when_no_email_is_on_file(
    mail_client: TestClient, mail_settings: Settings, staff: Any, mailbox: Mailbox
) -> None:
    client = mail_client
    mid = open_notice(client, staff)
    path = f"/api/v1/meetings/{mid}/applications"
    client.post(path, json=application())
    with_mail = client.post(path, json=application(email="x@example.cn"))
    assert with_mail.status_code == 409
    assert with_mail.json()["error"]["code"] == "already_applied"
    deliver(mail_settings)
    assert mailbox.messages == []  # the address typed now is not the one on file: nothing sent


def test_one_address_cannot_take_a_meetings_places(
    client: TestClient, staff: Any, session_factory: sessionmaker[Session]
) -> None:
    mid = open_notice(client, staff, capacity=5)
    path = f"/api/v1/meetings/{mid}/applications"
    for n in range(2):
        ok = client.post(path, json=application(f"1380013800{n}"), headers=_from("198.51.100.1"))
        assert ok.status_code == 201
    refused = client.post(path, json=application("13800138009"), headers=_from("198.51.100.1"))
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 3600
    assert "同一网络地址就本次会议提交申请过于频繁" in refused.json()["error"]["message_zh"]
    assert _rows(session_factory) == 2  # the refusal wrote nothing
    other = client.post(path, json=application("13800138009"), headers=_from("198.51.100.2"))
    assert other.status_code == 201


def test_one_address_applies_five_times_an_hour_across_meetings(
    client: TestClient, staff: Any
) -> None:
    meetings = [open_notice(client, staff, title=f"第{n}次常务会议") for n in range(3)]
    answers = [
        client.post(
            f"/api/v1/meetings/{mid}/applications",
            json=application(f"139001390{n}{i}"),
            headers=_from("198.51.100.3"),
        ).status_code
        for n, mid in enumerate(meetings)
        for i in range(2)
    ]
    assert answers == [201] * 5 + [429]


def test_concurrent_applications_from_one_address_respect_its_limit(
    client: TestClient, staff: Any, session_factory: sessionmaker[Session]
) -> None:
    mid = open_notice(client, staff, capacity=10)
    outcomes: list[str] = []
    barrier = threading.Barrier(12)

    def apply(i: int) -> None:
        with session_factory() as session:
            data = intake.ApplicationInput(
                f"申请人{i}", f"1380000{i:04d}", RepresentativeCategory.EXPERT
            )
            barrier.wait()
            try:
                intake.apply_to_attend(session, mid, data, MEETINGS_NOW, requester="burst")
                outcomes.append("ok")
            except TooManyRequests:
                outcomes.append("limited")
            except Conflict:
                outcomes.append("conflict")

    threads = [threading.Thread(target=apply, args=(i,)) for i in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["limited"] * 10 + ["ok"] * 2
    assert _rows(session_factory) == 2


def _approved_receipt(client: TestClient, staff: Any) -> str:
    mid = open_notice(client, staff)
    receipt: str = client.post(f"/api/v1/meetings/{mid}/applications", json=application()).json()[
        "receipt_code"
    ]
    app_id = client.get(
        f"/api/v1/staff/meetings/{mid}/applications", headers=staff.headers("reviewer")
    ).json()[0]["id"]
    client.post(
        f"/api/v1/staff/meetings/{mid}/applications/{app_id}/decision",
        json={"approve": True},
        headers=staff.headers("reviewer"),
    )
    return receipt


def test_one_representative_sends_ten_opinions_a_day(
    client: TestClient, staff: Any, session_factory: sessionmaker[Session]
) -> None:
    receipt = _approved_receipt(client, staff)
    answers = [
        client.post(
            f"/api/v1/applications/{receipt}/opinions",
            json={"body": f"第{n}条建议"},
            headers=_from(f"192.0.2.{n}"),
        )
        for n in range(11)
    ]
    assert [a.status_code for a in answers] == [201] * 10 + [429]
    assert "您写好的内容不会丢失" in answers[-1].json()["error"]["message_zh"]
    assert _rows(session_factory, RepresentativeOpinion) == 10


@pytest.mark.parametrize("surface", ["api", "page"])
def test_guessing_receipt_codes_is_limited_per_address(
    client: TestClient, staff: Any, surface: str
) -> None:
    receipt = _approved_receipt(client, staff)
    guesser = _from("192.0.2.200")

    def look_up(code: str) -> int:
        if surface == "api":
            return client.get(f"/api/v1/applications/{code}", headers=guesser).status_code
        form = {"receipt_code": code}
        return client.post("/applications/status", data=form, headers=guesser).status_code

    assert [look_up(f"CH-AAAAA-{n:05d}") for n in range(20)] == [404] * 20
    assert look_up("CH-AAAAA-99999") == 429
    assert look_up(receipt) == 429  # a guesser over the limit learns nothing, not even a hit
    # the holder of the code, elsewhere, is not affected
    assert client.get(f"/api/v1/applications/{receipt}").status_code == 200


def test_the_page_form_carries_a_token_so_a_double_submission_is_one_application(
    client: TestClient, staff: Any, session_factory: sessionmaker[Session]
) -> None:
    mid = open_notice(client, staff)
    page = client.get(f"/meetings/{mid}")
    token = re.search(r'name="form_token" value="([^"]+)"', page.text)
    assert token is not None
    form = {**application(), "form_token": token.group(1)}
    first = client.post(f"/meetings/{mid}/applications", data=form)
    second = client.post(f"/meetings/{mid}/applications", data=form)
    assert (first.status_code, second.status_code) == (201, 201)
    code = re.search(r"CH-[0-9A-Z]{5}-[0-9A-Z]{5}", first.text)
    assert code is not None and code.group(0) in second.text
    assert _rows(session_factory) == 1
