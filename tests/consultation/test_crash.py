"""Kill the server with SIGKILL under load: every receipt handed out survives, none twice.

uvicorn runs in a subprocess on SQLite (WAL, synchronous=FULL). 100 concurrent clients submit
comments, each with its own address and idempotency keys; once enough receipts are out the
server is killed mid-stream. After a restart every receipted comment is there, no key is stored
twice, and retrying the requests whose answer was lost stores each at most once.
"""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path

import httpx
from sqlalchemy import func, select

from bench._servers import prepare_database, run_server, server_env
from consultation.models import Comment
from publisher.storage.db import make_engine, make_session_factory
from tests.harness.aio import run_async

CLIENTS = 100
PER_CLIENT = 10  # the per-address rate limit
KILL_AFTER = 250


async def _load(url: str, kill: asyncio.Event) -> tuple[dict[str, str], set[str]]:
    receipts: dict[str, str] = {}
    unknown: set[str] = set()

    async def client_loop(client: httpx.AsyncClient, n: int) -> None:
        for k in range(PER_CLIENT):
            key = f"crash-{n}-{k}"
            body = {"text": f"第{n}位市民的第{k}条意见", "anonymous": True}
            headers = {"Idempotency-Key": key, "X-Forwarded-For": f"10.9.{n // 250}.{n % 250}"}
            try:
                response = await client.post(url, json=body, headers=headers)
            except httpx.TransportError:
                unknown.add(key)
                return
            assert response.status_code == 201, response.text
            receipts[key] = response.json()["receipt_code"]
            if len(receipts) >= KILL_AFTER:
                kill.set()

    limits = httpx.Limits(max_connections=CLIENTS)
    async with httpx.AsyncClient(timeout=60, limits=limits) as client:
        await asyncio.gather(*(client_loop(client, n) for n in range(CLIENTS)))
    return receipts, unknown


def test_sigkill_under_load_loses_no_receipted_comment(tmp_path: Path) -> None:
    db_path = tmp_path / "crash.sqlite3"
    draft_id = prepare_database(db_path)
    env = server_env(db_path, tmp_path)
    url_path = f"/api/v1/consultations/{draft_id}/comments"

    with run_server("publisher.web.app:create_app", env) as (base, proc):

        async def scenario() -> tuple[dict[str, str], set[str]]:
            kill = asyncio.Event()

            async def killer() -> None:
                await kill.wait()
                proc.send_signal(signal.SIGKILL)

            task = asyncio.create_task(killer())
            result = await _load(base + url_path, kill)
            task.cancel()
            return result

        receipts, unknown = run_async(scenario())
        proc.wait(10)
        assert proc.returncode == -signal.SIGKILL
    assert len(receipts) >= KILL_AFTER
    assert unknown, "the kill should interrupt requests in flight"

    restarted = run_server("publisher.web.app:create_app", env)
    with restarted as (base, _), httpx.Client(base_url=base, timeout=30) as client:
        for key, code in receipts.items():
            status = client.get(f"/api/v1/comments/{code}")
            assert status.status_code == 200, (key, code)
        # the requests whose answer was lost are retried with their key
        for key in sorted(unknown):
            n = int(key.split("-")[1])
            response = client.post(
                url_path,
                json={"text": f"重试 {key}", "anonymous": True},
                headers={
                    "Idempotency-Key": key,
                    "X-Forwarded-For": f"10.9.{n // 250}.{n % 250}",
                },
            )
            assert response.status_code in (200, 201), response.text

    engine = make_engine(f"sqlite:///{db_path}")
    with make_session_factory(engine)() as session:
        per_key = dict(
            session.execute(
                select(Comment.idempotency_key, func.count()).group_by(Comment.idempotency_key)
            ).all()
        )
        stored = dict(session.execute(select(Comment.idempotency_key, Comment.receipt_code)).all())
    engine.dispose()
    assert all(count == 1 for count in per_key.values())
    for key, code in receipts.items():
        assert stored[key] == code
    assert set(unknown) <= set(stored)
    assert len(stored) == len(receipts) + len(unknown)
