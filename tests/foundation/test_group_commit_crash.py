"""Nothing is acknowledged before it is durable (#15 item 2): a real `publisher serve` takes
comments from concurrent clients, is killed with SIGKILL in the middle of the load, and every
receipt a client was given is in the database afterwards (read by a restarted server)."""

from __future__ import annotations

import datetime as dt
import itertools
import signal
import threading
import time
from pathlib import Path

import httpx
from sqlalchemy import select

from bench._servers import calendar_covering
from consultation.models import Comment
from publisher.storage.db import make_engine, make_session_factory
from publisher.timeutil import now_utc
from tests.harness.serve import serve_env, start_serve, stop
from tests.support.bodies import comment_body
from tests.support.staff import StaffFixture

CLIENTS = 12


def _open_draft(base: str, editor: dict[str, str]) -> int:
    now = now_utc()
    created = httpx.post(
        f"{base}/api/v1/staff/consultations",
        json={
            "title": "断电测试草案",
            "draft_text": "第一条 测试。",
            "basis_text": "依据",
            "opens_at": now.isoformat(),
            "publish_at": now.isoformat(),
            "closes_at": (now + dt.timedelta(days=30)).isoformat(),
        },
        headers=editor,
        timeout=30,
    )
    assert created.status_code == 201, created.text
    return int(created.json()["id"])


def test_every_receipt_given_survives_a_kill_9_under_load(db_url: str, tmp_path: Path) -> None:
    engine = make_engine(db_url)
    editor = StaffFixture(make_session_factory(engine)).headers("editor")
    env = serve_env(
        db_url, tmp_path / "var", PUBLISHER_CALENDAR_DIR=str(calendar_covering(tmp_path / "cal"))
    )
    with (tmp_path / "serve.log").open("wb") as log:
        process, base = start_serve(env, log)
        try:
            draft_id = _open_draft(base, editor)
            url = f"{base}/api/v1/consultations/{draft_id}/comments"
            receipts: list[str] = []
            addresses = itertools.count(1)  # one address per comment: the per-address limit
            stopped = threading.Event()

            def client() -> None:
                with httpx.Client(timeout=10) as http:
                    while not stopped.is_set():
                        n = next(addresses)
                        forwarded = {
                            "X-Forwarded-For": f"10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}"
                        }
                        try:
                            answer = http.post(
                                url, json=comment_body(text=f"第{n}条意见"), headers=forwarded
                            )
                        except httpx.TransportError:
                            return  # the server is gone
                        assert answer.status_code == 201, answer.text
                        receipts.append(answer.json()["receipt_code"])

            threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
            for t in threads:
                t.start()
            deadline = time.monotonic() + 30
            while len(receipts) < 150 and time.monotonic() < deadline:
                time.sleep(0.02)
            process.send_signal(signal.SIGKILL)  # mid-load: requests are in flight
            process.wait(30)
            stopped.set()
            for t in threads:
                t.join(30)
        finally:
            stop(process)
        assert len(receipts) >= 150
        # restart: the server comes back on the database the killed one left
        again, base = start_serve(env, log)
        try:
            assert (
                httpx.get(f"{base}/api/v1/comments/{receipts[-1]}", timeout=30).status_code == 200
            )
        finally:
            stop(again)
    with make_session_factory(engine)() as session:
        stored = set(session.scalars(select(Comment.receipt_code)))
    engine.dispose()
    lost = set(receipts) - stored
    assert not lost, f"{len(lost)} of {len(receipts)} receipts acknowledged and lost"
    assert len(stored) >= len(receipts)
