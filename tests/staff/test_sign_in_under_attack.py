"""Sign-in under a guessing burst (issue: hold under attack).

Before: 60 parallel wrong passwords gave 47 × 500 ("database is locked", the slow hash ran
inside the write lock), only 5 failures were recorded, and anyone could lock any account for
15 minutes from anywhere. Now the hash runs with no transaction open, the lock is per
(account, address), and the account-wide back-off is seconds, never a lock.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Literal

import httpx
import pytest
from argon2 import PasswordHasher as Argon2Hasher
from sqlalchemy.orm import Session, sessionmaker

from publisher.settings import Settings
from publisher.staff import service
from publisher.staff.principal import StaffPrincipal
from publisher.staff.roles import Role
from publisher.staff.secrets import PasswordHasher, password_hasher
from publisher.timeutil import now_utc
from publisher.web.app import create_app
from tests.harness.live_server import serve_in_thread
from tests.support.clock import Clock

PASSWORD = "the right password, long"


@pytest.fixture
def live(settings: Settings, session_factory: sessionmaker[Session]) -> Iterator[str]:
    """The real service on a port, with production's argon2id and one account hashed so."""
    with session_factory() as session:
        service.create_account(
            session,
            StaffPrincipal(None, "setup", "setup", Role.ADMIN, "cli"),
            "clerk",
            Role.EDITOR,
            "办事员",
            PASSWORD,
            hasher=password_hasher("argon2id"),
        )
        session.commit()
    app = create_app(
        settings.model_copy(
            update={"password_hash_profile": "argon2id", "trusted_proxies": "127.0.0.1"}
        )
    )
    with serve_in_thread(app) as base:
        yield base
    app.state.engine.dispose()


def _attempt(base: str, password: str, address: str) -> httpx.Response:
    with httpx.Client(base_url=base, headers={"X-Forwarded-For": address}, timeout=60) as client:
        form = client.get("/staff/login")
        token = re.search(r'name="login_csrf" value="([^"]+)"', form.text)
        assert token is not None
        data = {"username": "clerk", "password": password, "login_csrf": token.group(1)}
        return client.post("/staff/login", data=data, follow_redirects=False)


def test_sixty_parallel_guesses_give_no_server_error_and_lock_only_the_guesser(
    live: str,
) -> None:
    with ThreadPoolExecutor(max_workers=60) as pool:
        answers = list(pool.map(lambda n: _attempt(live, f"guess {n}", "203.0.113.66"), range(60)))
    statuses = Counter(a.status_code for a in answers)
    assert statuses == {401: 5, 429: 55}, statuses
    assert all("Retry-After" in a.headers for a in answers if a.status_code == 429)
    # the guesser's address is locked, even with the right password…
    assert _attempt(live, PASSWORD, "203.0.113.66").status_code == 429
    # …but the owner, elsewhere, signs in
    owner = _attempt(live, PASSWORD, "198.51.100.10")
    assert owner.status_code == 303 and "smx_staff=" in owner.headers.get("set-cookie", "")


def test_guesses_from_many_addresses_slow_the_account_down_without_locking_it(
    live: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the service's clock stands still, so a loaded machine cannot outwait the back-off
    clock = Clock(now_utc())
    monkeypatch.setattr(service, "now_utc", clock)
    for n in range(10):  # ten addresses, one wrong guess each: the free attempts
        assert _attempt(live, "wrong", f"192.0.2.{n}").status_code == 401
    slowed = _attempt(live, PASSWORD, "198.51.100.20")
    assert slowed.status_code == 429
    wait = int(slowed.headers["Retry-After"])
    assert 1 <= wait <= 2 and "秒后再试" in slowed.text
    clock.now += dt.timedelta(seconds=wait)
    assert _attempt(live, PASSWORD, "198.51.100.20").status_code == 303


def test_the_hasher_runs_a_bounded_number_of_hashes_at_once() -> None:
    """Each argon2id hash takes 64 MiB: a burst must queue for slots, not take them all."""
    running, peak = 0, 0
    lock = threading.Lock()

    class Counting(Argon2Hasher):
        def verify(self, hash: str | bytes, password: str | bytes) -> Literal[True]:
            nonlocal running, peak
            with lock:
                running += 1
                peak = max(peak, running)
            time.sleep(0.02)
            with lock:
                running -= 1
            return super().verify(hash, password)

    hasher = PasswordHasher(Counting(time_cost=1, memory_cost=8, parallelism=1), slots=3)
    threads = [threading.Thread(target=hasher.verify, args=(None, "x")) for _ in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert peak == 3
