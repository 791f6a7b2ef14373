"""Limits, lockouts and idempotency keys hold across processes (#21 item 4): two `publisher
serve` processes with their own data dirs on one PostgreSQL, driven alternately and at once.
Limits live in the database (`throttle_hit`, taken under an advisory lock per key), so what
one process counted the other sees."""

from __future__ import annotations

import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from bench._servers import calendar_covering, open_consultation_on
from publisher.storage.db import make_engine, make_session_factory
from tests.harness.serve import machines as serve_machines
from tests.support.staff import StaffFixture

pytestmark = pytest.mark.parametrize("backend", ["postgresql"])


@pytest.fixture
def machines(db_url: str, tmp_path: Path) -> Iterator[tuple[list[str], int]]:
    calendar = calendar_covering(tmp_path / "calendar")
    draft_id = open_consultation_on(db_url, calendar)
    engine = make_engine(db_url)
    StaffFixture(make_session_factory(engine))
    engine.dispose()
    with serve_machines(db_url, tmp_path, PUBLISHER_CALENDAR_DIR=str(calendar)) as started:
        yield [base for _, base in started], draft_id


def _comment(base: str, draft_id: int, address: str, key: str | None = None) -> httpx.Response:
    headers = {"X-Forwarded-For": address}
    if key:
        headers["Idempotency-Key"] = key
    return httpx.post(
        f"{base}/api/v1/consultations/{draft_id}/comments",
        json={"text": f"来自{address}的意见 {key or ''}", "anonymous": True},
        headers=headers,
        timeout=30,
    )


def test_the_comment_limit_counts_both_processes(machines: tuple[list[str], int]) -> None:
    bases, draft_id = machines
    statuses = [_comment(bases[n % 2], draft_id, "198.51.100.7").status_code for n in range(12)]
    assert statuses == [201] * 10 + [429] * 2
    refused = _comment(bases[0], draft_id, "198.51.100.7")
    assert (
        refused.headers["retry-after"] and "同一网络地址" in refused.json()["error"]["message_zh"]
    )


def test_the_comment_limit_holds_when_both_are_hit_at_once(
    machines: tuple[list[str], int],
) -> None:
    bases, draft_id = machines
    with ThreadPoolExecutor(max_workers=24) as pool:
        responses = list(
            pool.map(lambda n: _comment(bases[n % 2], draft_id, "198.51.100.8"), range(24))
        )
    statuses = sorted(response.status_code for response in responses)
    assert statuses == [201] * 10 + [429] * 14


def test_an_idempotency_key_is_one_comment_whichever_process_answers(
    machines: tuple[list[str], int],
) -> None:
    bases, draft_id = machines
    first = _comment(bases[0], draft_id, "198.51.100.9", key="same-key-1")
    again = _comment(bases[1], draft_id, "198.51.100.9", key="same-key-1")
    assert first.status_code == 201 and again.status_code in (200, 201)
    assert again.json()["receipt_code"] == first.json()["receipt_code"]


def _sign_in(base: str, password: str, address: str) -> httpx.Response:
    with httpx.Client(base_url=base, timeout=30, headers={"X-Forwarded-For": address}) as client:
        page = client.get("/staff/login")
        token = re.search(r'name="login_csrf" value="([^"]+)"', page.text)
        assert token is not None
        return client.post(
            "/staff/login",
            data={"username": "editor", "password": password, "login_csrf": token.group(1)},
            follow_redirects=False,
        )


def test_the_sign_in_lockout_counts_both_processes(machines: tuple[list[str], int]) -> None:
    bases, _ = machines
    address = "198.51.100.10"
    wrong = [_sign_in(bases[n % 2], "wrong password", address).status_code for n in range(5)]
    assert wrong == [401] * 5
    # the sixth, through either process, with the right password too: locked for this address
    for base in bases:
        locked = _sign_in(base, StaffFixture.PASSWORD, address)
        assert locked.status_code == 429 and locked.headers["retry-after"]
    # another address is not locked out, and its session is good on the other process
    signed_in = _sign_in(bases[0], StaffFixture.PASSWORD, "198.51.100.11")
    assert signed_in.status_code == 303
    session = {k: v for k, v in signed_in.cookies.items()}
    dashboard = httpx.get(f"{bases[1]}/staff/", cookies=session, timeout=30)
    assert dashboard.status_code == 200
