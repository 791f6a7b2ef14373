"""Attendance-application intake: requests/second with 100 concurrent clients, SQLite, durable.

Starts uvicorn on 127.0.0.1 in a subprocess twice, on the same fresh SQLite database (WAL,
``synchronous=FULL``, as the service runs): once the real service (``POST
/api/v1/meetings/{id}/applications``: validation, BEGIN IMMEDIATE, capacity and duplicate checks,
insert, commit) and once a minimal FastAPI app doing only the same insert through the same
engine. Prints both figures side by side.

Run: .venv/bin/python bench/bench_applications.py [--requests 2000] [--clients 100]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._results import record  # noqa: E402


def minimal_app() -> Any:
    """The baseline: one insert of the same row per request, nothing else."""
    from fastapi import FastAPI
    from sqlalchemy import insert

    from publisher.meetings.models import MeetingApplication
    from publisher.receipts import new_receipt_code
    from publisher.storage.db import make_engine
    from publisher.timeutil import now_utc

    engine = make_engine(os.environ["PUBLISHER_DATABASE_URL"])
    app = FastAPI()
    notice_id = int(os.environ["BENCH_NOTICE_ID"])

    @app.get("/healthz")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.post("/api/v1/meetings/{meeting_id}/applications", status_code=201)
    def apply(meeting_id: int, body: dict[str, Any]) -> dict[str, str]:
        code = new_receipt_code("CH")
        with engine.begin() as conn:
            conn.execute(
                insert(MeetingApplication).values(
                    notice_id=notice_id,
                    receipt_code=code,
                    applicant_name=body["applicant_name"],
                    phone=body["phone"],
                    category=body["category"],
                    statement=body.get("statement", ""),
                    status="pending",
                    review_note="",
                    created_at=now_utc(),
                )
            )
        return {"receipt_code": code}

    return app


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def prepare(db_url: str, capacity: int) -> int:
    """A migrated database with one published notice that has room for everyone."""
    from sqlalchemy.orm import Session

    from publisher.meetings.models import MeetingNotice
    from publisher.storage.db import make_engine
    from publisher.storage.migrate import upgrade
    from publisher.timeutil import now_utc

    engine = make_engine(db_url)
    upgrade(engine)
    start = now_utc() + dt.timedelta(days=30)
    with Session(engine) as session:
        notice = MeetingNotice(
            kind="other",
            title="基准测试会议",
            starts_at=start,
            ends_at=start + dt.timedelta(hours=2),
            place="会议室",
            agenda="议题",
            participation="在线申请",
            application_deadline=start,
            capacity=capacity,
            media_allowed=True,
            withheld=False,
            published_at=now_utc() - dt.timedelta(days=1),
            status="scheduled",
            sequence=0,
            created_by="bench",
        )
        session.add(notice)
        session.commit()
        notice_id = notice.id
    engine.dispose()
    return notice_id


def serve(target: list[str], env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            *target,
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--timeout-keep-alive",
            "120",
            "--log-level",
            "warning",
            "--no-access-log",
        ],
        cwd=ROOT,
        env=env,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return process
        except httpx.TransportError:
            time.sleep(0.1)
    process.terminate()
    raise RuntimeError("server did not start")


async def load(base: str, notice_id: int, requests: int, clients: int, offset: int) -> float:
    """``clients`` workers share a bounded counter of ``requests`` POSTs; returns req/s."""
    counter = iter(range(requests))
    failures: list[int] = []

    async def worker(client: httpx.AsyncClient) -> None:
        for i in counter:
            body = {
                "applicant_name": f"申请人{i}",
                "phone": f"13{offset + i:09d}",
                "category": "citizen",
                "statement": "基准测试",
            }
            response = await client.post(f"/api/v1/meetings/{notice_id}/applications", json=body)
            if response.status_code != 201:
                failures.append(response.status_code)

    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as client:
        began = time.perf_counter()
        await asyncio.gather(*(worker(client) for _ in range(clients)))
        elapsed = time.perf_counter() - began
    if failures:
        raise RuntimeError(f"{len(failures)} requests failed: {sorted(set(failures))}")
    return requests / elapsed


def run(target: list[str], env: dict[str, str], notice_id: int, args: Any, offset: int) -> float:
    port = free_port()
    process = serve(target, env, port)
    try:
        return asyncio.run(
            load(f"http://127.0.0.1:{port}", notice_id, args.requests, args.clients, offset)
        )
    finally:
        process.terminate()
        process.wait(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=100)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db_url = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        notice_id = prepare(db_url, capacity=10 * args.requests)
        env = dict(
            os.environ,
            PUBLISHER_DATABASE_URL=db_url,
            PUBLISHER_ENVIRONMENT="development",
            PUBLISHER_DATA_DIR=tmp,
            BENCH_NOTICE_ID=str(notice_id),
            PYTHONPATH=str(ROOT),
        )
        service = run(["--factory", "publisher.web.app:create_app"], env, notice_id, args, offset=0)
        baseline = run(
            ["--factory", "bench.bench_applications:minimal_app"],
            env,
            notice_id,
            args,
            offset=args.requests,
        )
    print(
        f"application intake, SQLite (WAL, synchronous=FULL), {args.clients} concurrent clients, "
        f"{args.requests} requests each run"
    )
    print(f"  service  POST /api/v1/meetings/{{id}}/applications: {service:8.1f} req/s")
    print(f"  minimal  FastAPI app, same insert, same database:  {baseline:8.1f} req/s")
    print(f"  ratio service/minimal: {service / baseline:.2f}")
    record("application intake", service, baseline, "req/s", peer_name="minimal app")


if __name__ == "__main__":
    main()
