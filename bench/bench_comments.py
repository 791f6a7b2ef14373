"""Load benchmark of durable comment intake with `wrk`, beside peers doing the same durable insert.

Run: ``.venv/bin/python bench/bench_comments.py`` (options: ``--seconds``, ``--rounds``,
``--connections``, ``--backend sqlite|postgresql|both``, both by default). Each server is
uvicorn in its own subprocess on 127.0.0.1; `wrk` (C, Debian's) posts with 100 connections,
every request with its own ``X-Forwarded-For`` address and ``Idempotency-Key``
(bench/wrk/comments.lua), so the per-address limit is exercised but never reached. Service and
peers alternate, three rounds; medians, spreads, ratios and the service's p99.

* ``service``: the real ``POST /api/v1/consultations/{id}/comments`` (checks on the request's
  session, then the group writer: one transaction per batch, answered after its COMMIT);
* ``raw-gc`` (SQLite): a raw ASGI app doing durable group commit itself (one writer thread,
  executemany per batch, COMMIT, then the answers): the ceiling of durable intake here;
* ``minimal``: a bare FastAPI endpoint inserting one row per request through the same engine
  (BEGIN IMMEDIATE, INSERT, COMMIT).

SQLite runs WAL with ``synchronous=FULL``; PostgreSQL is a server of the bench's own with
``fsync=on`` and ``synchronous_commit=on`` (the test harness's turns both off), so every figure
is durable intake. Client and server share the machine: the figures compare within one run.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import queue
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from fastapi import FastAPI  # noqa: E402
from pydantic import BaseModel  # noqa: E402
from sqlalchemy import Column, Integer, MetaData, String, Table, Text, insert  # noqa: E402

from bench._servers import calendar_covering, lifespan, open_consultation_on  # noqa: E402
from bench._servers import prepare_database as prepare_database  # noqa: E402
from bench._servers import run_server as run_server  # noqa: E402
from bench._servers import server_env as server_env  # noqa: E402
from bench._wrk import have_wrk, print_peers_table, wrk  # noqa: E402
from publisher.receipts import new_receipt_code  # noqa: E402
from publisher.storage.db import begin_write, make_engine, make_session_factory  # noqa: E402
from publisher.storage.migrate import upgrade  # noqa: E402
from tests.harness.postgres import PostgresServer, start_postgres  # noqa: E402

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


# ------------------------------------------------------------------ the raw group-commit app


class RawGroupCommit:
    """ASGI, no framework: each POST queues its row; one writer thread inserts every row
    waiting in one transaction and answers each request after the COMMIT."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.jobs: queue.Queue[tuple[str, str, asyncio.Future[None], asyncio.AbstractEventLoop]]
        self.jobs = queue.Queue()
        threading.Thread(target=self._write, daemon=True).start()

    def _write(self) -> None:
        db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=FULL")
        db.execute(
            "CREATE TABLE IF NOT EXISTS raw_comment (id INTEGER PRIMARY KEY, "
            "receipt_code TEXT UNIQUE, body TEXT)"
        )
        while True:
            batch = [self.jobs.get()]
            while not self.jobs.empty() and len(batch) < 256:
                batch.append(self.jobs.get_nowait())
            db.execute("BEGIN IMMEDIATE")
            db.executemany(
                "INSERT INTO raw_comment (receipt_code, body) VALUES (?, ?)",
                [(code, text) for code, text, _, _ in batch],
            )
            db.execute("COMMIT")
            for _, _, future, loop in batch:
                loop.call_soon_threadsafe(future.set_result, None)

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            await lifespan(receive, send)
            return
        chunks = []
        while True:
            message = await receive()
            chunks.append(message.get("body", b""))
            if not message.get("more_body"):
                break
        if scope["path"] == "/healthz":
            answer, status = b'{"status":"ok"}', 200
        else:
            code = new_receipt_code("YJ")
            loop = asyncio.get_running_loop()
            future: asyncio.Future[None] = loop.create_future()
            text = json.loads(b"".join(chunks))["text"]
            self.jobs.put((code, text, future, loop))
            await future
            answer, status = json.dumps({"receipt_code": code}).encode(), 201
        headers = [(b"content-type", b"application/json")]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": answer})


def raw_app() -> RawGroupCommit:
    return RawGroupCommit(os.environ["BENCH_RAW_DB"])


# ------------------------------------------------------------------------------- the load

SCRIPT = Path(__file__).resolve().parent / "wrk" / "comments.lua"


class DurablePostgres(PostgresServer):
    """The harness's throw-away server, restarted with fsync and synchronous commit on."""

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.datadir.parent} -c listen_addresses=127.0.0.1 "
            "-c fsync=on -c full_page_writes=on -c synchronous_commit=on -c max_connections=200"
        )
        pg_ctl = str(self.bindir / "pg_ctl")
        log = str(self.datadir.parent / "server.log")
        subprocess.run(
            self._cmd(pg_ctl, "-D", str(self.datadir), "-o", options, "-l", log, "-w", "start"),
            check=True,
            capture_output=True,
        )


@contextmanager
def database(backend: str, tmp: Path) -> Iterator[tuple[str, int]]:
    """A migrated database with one open consultation: (URL, draft id)."""
    if backend == "sqlite":
        db_path = tmp / "bench.sqlite3"
        yield f"sqlite:///{db_path}", prepare_database(db_path)
        return
    harness = start_postgres()
    harness.stop()
    server = DurablePostgres(harness.bindir, harness.datadir, harness.port, harness.run_as)
    server.start()
    try:
        url = server.url()
        engine = make_engine(url)
        upgrade(engine)
        engine.dispose()
        yield url, open_consultation_on(url, calendar_covering(tmp / "calendar"))
    finally:
        server.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=100)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    args = parser.parse_args()
    if not have_wrk():
        print("wrk is needed: apt-get install wrk", file=sys.stderr)
        return 2
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    failed = [measure(backend, args) for backend in backends]
    print("FAIL: errors" if any(failed) else "no errors")
    return 1 if any(failed) else 0


def measure(backend: str, args: argparse.Namespace) -> bool:
    """One backend's rounds and its table; True if the service answered any error."""
    results: dict[str, list[dict[str, float]]] = {}
    with (
        TemporaryDirectory(prefix="bench-comments-") as tmp,
        database(backend, Path(tmp)) as (url, draft_id),
    ):
        env = server_env(Path(tmp) / "bench.sqlite3", Path(tmp) / "var")
        env.update(PUBLISHER_DATABASE_URL=url, BENCH_RAW_DB=str(Path(tmp) / "raw.sqlite3"))
        intake = f"/api/v1/consultations/{draft_id}/comments"
        targets = [("service", "publisher.web.app:create_app", intake)]
        if backend == "sqlite":
            targets.append(("raw-gc", "bench.bench_comments:raw_app", "/comments"))
        targets.append(("minimal", "bench.bench_comments:minimal_app", "/comments"))
        for _ in range(args.rounds):
            for name, spec, path in targets:
                with run_server(spec, env) as (base, _):
                    wrk(base + path, 1, args.connections, script=str(SCRIPT))  # warm-up
                    results.setdefault(name, []).append(
                        wrk(base + path, args.seconds, args.connections, script=str(SCRIPT))
                    )
    failed = print_peers_table(
        f"durable comment intake on {backend}, {args.connections} connections, "
        f"{args.rounds} rounds × {args.seconds} s; median (min–max)",
        f"comment intake, {backend}",
        results,
        [name for name, _, _ in targets],
    )
    return failed


if __name__ == "__main__":
    sys.exit(main())
