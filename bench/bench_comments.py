"""Load benchmark of durable comment intake, beside a minimal app doing the same durable insert.

Run: ``.venv/bin/python bench/bench_comments.py`` (options: ``--requests``, ``--clients``).
Each server is uvicorn in its own subprocess on 127.0.0.1 on a fresh SQLite file (WAL,
``synchronous=FULL``: a receipt means the row is on disk). An httpx AsyncClient drives it with
100 concurrent clients and a bounded number of requests. Two servers, one after the other:

* ``minimal``: a bare FastAPI endpoint that inserts one row with the same engine settings
  (BEGIN IMMEDIATE, one INSERT, COMMIT) and returns a receipt code: the floor of durable intake;
* ``service``: the real ``POST /api/v1/consultations/{id}/comments``: validation, idempotency
  lookup, per-address rate limit, near-duplicate lookup, insert, commit.

Every request carries its own ``X-Forwarded-For`` address (the bench is the trusted proxy), so
the per-address rate limit is exercised but never reached. Client and server share the machine:
the figures compare the two within one run; they are not a capacity estimate.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from tempfile import TemporaryDirectory

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
from fastapi import FastAPI  # noqa: E402
from pydantic import BaseModel  # noqa: E402
from sqlalchemy import Column, Integer, MetaData, String, Table, Text, insert  # noqa: E402

from bench._results import record  # noqa: E402
from bench._servers import prepare_database as prepare_database  # noqa: E402
from bench._servers import run_server as run_server  # noqa: E402
from bench._servers import server_env as server_env  # noqa: E402
from publisher.receipts import new_receipt_code  # noqa: E402
from publisher.storage.db import begin_write, make_engine, make_session_factory  # noqa: E402

# ------------------------------------------------------------------ the minimal comparison app

_metadata = MetaData()
minimal_table = Table(
    "bench_minimal_comment",
    _metadata,
    Column("id", Integer, primary_key=True),
    Column("receipt_code", String(20), unique=True),
    Column("body", Text),
)


class _MinimalIn(BaseModel):
    text: str


def minimal_app() -> FastAPI:
    """The same durable insert with nothing around it (same engine settings, same file)."""
    engine = make_engine(os.environ["PUBLISHER_DATABASE_URL"])
    _metadata.create_all(engine)
    factory = make_session_factory(engine)
    app = FastAPI()

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.post("/comments", status_code=201)
    def post(body: _MinimalIn) -> dict[str, str]:
        code = new_receipt_code("YJ")
        with factory() as session:
            begin_write(session)
            session.execute(insert(minimal_table).values(receipt_code=code, body=body.text))
            session.commit()
        return {"receipt_code": code}

    return app


# ------------------------------------------------------------------------------- the load


@dataclass
class Result:
    label: str
    requests: int
    seconds: float
    latencies: list[float]
    errors: int
    statuses: dict[str, int]

    def line(self) -> str:
        lat = sorted(self.latencies)
        p50 = statistics.median(lat) * 1000
        p99 = lat[min(len(lat) - 1, int(len(lat) * 0.99))] * 1000
        rps = self.requests / self.seconds
        return (
            f"{self.label:<10} {self.requests:>6} req  {rps:8.1f} req/s  p50 {p50:7.1f} ms  "
            f"p99 {p99:7.1f} ms  errors {self.errors} {self.statuses or ''}"
        )


async def drive(url: str, total: int, clients: int, label: str) -> Result:
    counter = iter(range(total))
    latencies: list[float] = []
    errors = 0
    statuses: dict[str, int] = {}

    async def worker(client: httpx.AsyncClient) -> None:
        nonlocal errors
        for i in counter:
            body = {"text": f"压力测试意见第{i}条：建议增设停车位。", "anonymous": True}
            headers = {
                "Idempotency-Key": f"bench-{label}-{i}",
                "X-Forwarded-For": f"10.{i // 65536 % 256}.{i // 256 % 256}.{i % 256}",
            }
            t0 = time.perf_counter()
            try:
                response = await client.post(url, json=body, headers=headers)
            except httpx.TransportError as exc:
                errors += 1
                statuses[type(exc).__name__] = statuses.get(type(exc).__name__, 0) + 1
                continue
            latencies.append(time.perf_counter() - t0)
            if response.status_code != 201:
                errors += 1
                statuses[str(response.status_code)] = statuses.get(str(response.status_code), 0) + 1

    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(timeout=60, limits=limits) as client:
        start = time.perf_counter()
        await asyncio.gather(*(worker(client) for _ in range(clients)))
        seconds = time.perf_counter() - start
    return Result(label, total, seconds, latencies, errors, statuses)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=100)
    args = parser.parse_args()
    results = []
    with TemporaryDirectory() as tmp:
        db_path = Path(tmp) / "bench.sqlite3"
        draft_id = prepare_database(db_path)
        env = server_env(db_path, Path(tmp))
        with run_server("bench.bench_comments:minimal_app", env) as (base, _):
            asyncio.run(drive(f"{base}/comments", 200, args.clients, "warm-up"))
            results.append(
                asyncio.run(drive(f"{base}/comments", args.requests, args.clients, "minimal"))
            )
        with run_server("publisher.web.app:create_app", env) as (base, _):
            url = f"{base}/api/v1/consultations/{draft_id}/comments"
            asyncio.run(drive(url, 200, args.clients, "warm-up"))
            results.append(asyncio.run(drive(url, args.requests, args.clients, "service")))
    print(f"durable comment intake on SQLite (WAL, synchronous=FULL), {args.clients} clients")
    for r in results:
        print(r.line())
    minimal, service = (r.requests / r.seconds for r in results)
    record("comment intake", service, minimal, "req/s", peer_name="minimal app")


if __name__ == "__main__":
    main()
