"""SIGTERM under load (#21 item 6): `publisher serve` stops accepting, finishes the requests in
flight, and exits 0; every comment it gave a receipt for is stored, and no request it accepted
got a 5xx. The real command in a subprocess, on SQLite and on PostgreSQL, 50 clients."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from sqlalchemy import select

from bench._servers import calendar_covering, open_consultation_on
from consultation.models import Comment
from publisher.storage.db import make_engine
from tests.harness.aio import run_async
from tests.harness.serve import serve_env, start_serve

CLIENTS = 50
STOP_AFTER = 150  # receipts before SIGTERM


@dataclass
class Load:
    receipts: dict[str, str] = field(default_factory=dict)  # idempotency key -> receipt code
    statuses: list[int] = field(default_factory=list)
    answered_after_stop: int = 0
    refused: int = 0  # connections refused or closed unanswered: never accepted
    stopped_at: float | None = None


async def _load(url: str, process: subprocess.Popen[bytes]) -> Load:
    load = Load()

    async def client_loop(client: httpx.AsyncClient, n: int) -> None:
        k = 0
        while True:
            k += 1
            key = f"stop-{n}-{k}"
            headers = {"Idempotency-Key": key, "X-Forwarded-For": f"10.{n}.{k // 250}.{k % 250}"}
            body = {"text": f"第{n}位市民的第{k}条意见", "anonymous": True}
            try:
                response = await client.post(url, json=body, headers=headers)
            except httpx.TransportError:
                load.refused += 1
                if load.stopped_at is not None:
                    return
                raise
            load.statuses.append(response.status_code)
            if load.stopped_at is not None:
                load.answered_after_stop += 1
            if response.status_code == 201:
                load.receipts[key] = response.json()["receipt_code"]
            if len(load.receipts) >= STOP_AFTER and load.stopped_at is None:
                load.stopped_at = time.monotonic()
                process.send_signal(signal.SIGTERM)

    limits = httpx.Limits(max_connections=CLIENTS)
    async with httpx.AsyncClient(timeout=60, limits=limits) as client:
        await asyncio.gather(*(client_loop(client, n) for n in range(CLIENTS)))
    return load


def test_sigterm_under_load_finishes_what_it_accepted_and_exits_0(
    db_url: str, tmp_path: Path
) -> None:
    draft_id = open_consultation_on(db_url, tmp_path / "calendar")
    with (tmp_path / "serve.log").open("wb") as log_file:
        env = serve_env(
            db_url,
            tmp_path / "var",
            PUBLISHER_CALENDAR_DIR=str(calendar_covering(tmp_path / "calendar")),
            PUBLISHER_SHUTDOWN_GRACE_SECONDS="15",
        )
        process, base = start_serve(env, log_file)
        load, exit_status, stopped_in = _stop_under_load(process, base, draft_id)
    log = (tmp_path / "serve.log").read_text()
    assert exit_status == 0, log
    assert stopped_in < 20, stopped_in
    assert not [status for status in load.statuses if status >= 500], log
    assert set(load.statuses) == {201}
    assert load.answered_after_stop > 0, "requests in flight at SIGTERM were answered"
    assert load.refused > 0, "after SIGTERM, new requests were not accepted"

    engine = make_engine(db_url)
    with engine.connect() as connection:
        rows = connection.execute(select(Comment.idempotency_key, Comment.receipt_code))
        stored = {key: code for key, code in rows}
    engine.dispose()
    for key, code in load.receipts.items():
        assert stored.get(key) == code, key


def _stop_under_load(
    process: subprocess.Popen[bytes], base: str, draft_id: int
) -> tuple[Load, int, float]:
    try:
        load = run_async(_load(f"{base}/api/v1/consultations/{draft_id}/comments", process))
        assert load.stopped_at is not None
        exit_status = process.wait(30)
        stopped_in = time.monotonic() - load.stopped_at
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    return load, exit_status, stopped_in
