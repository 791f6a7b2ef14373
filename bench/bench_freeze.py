"""The freeze reproduction of issue #19: an unauthenticated burst must not stop the service.

Run: ``.venv/bin/python bench/bench_freeze.py`` (options: ``--seconds``, ``--rounds``).

The service runs as in production (``PUBLISHER_ENVIRONMENT=production``, uvicorn, a fresh SQLite
file with one open consultation). Three ``wrk`` processes run at once against it:

* 150 connections POSTing comments, each request from its own ``X-Forwarded-For`` address with
  its own ``Idempotency-Key`` (so no rate limit stops them: every one is a durable write);
* 60 connections calling ``GET /api/v1/staff/me`` with made-up bearer tokens;
* one connection probing ``/healthz`` throughout.

Before the fix, one such burst froze the service for minutes: the probe got nothing. The
criteria: the probe's slowest answer under 1 s; no 500, no timeout, no socket error; every burst
request answered within 8 s (a 503 with Retry-After counts as an answer: the service is
saying "busy" quickly); no receipt without its stored comment (wrk abandons the answers in
flight at its deadline, so up to one stored comment per connection has no receipt read).

The peer is a minimal FastAPI app with the same three paths (a durable insert, a token lookup,
a constant), run the same way: the floor for this machine. Service and peer alternate, three
rounds; medians, spreads (min–max) and service/peer ratios are printed. Client and server
share the machine, so the figures compare the two; they are not a capacity estimate.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from tempfile import TemporaryDirectory, mkdtemp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fastapi import FastAPI, Header, HTTPException  # noqa: E402
from pydantic import BaseModel  # noqa: E402
from sqlalchemy import Column, Integer, MetaData, String, Table, Text, func, insert, select  # noqa: E402

from bench._results import record  # noqa: E402
from bench._servers import prepare_database, run_server, server_env  # noqa: E402
from publisher.receipts import new_receipt_code  # noqa: E402
from publisher.storage.db import begin_write, make_engine, make_session_factory  # noqa: E402

LUA = ROOT / "bench" / "wrk" / "freeze.lua"
PROBE_MAX_S = 1.0
BURST_MAX_S = 8.0
COMMENT_CONNECTIONS = 150
BEARER_CONNECTIONS = 60

# ----------------------------------------------------------------------------- the peer app

_metadata = MetaData()
peer_comments = Table(
    "bench_peer_comment",
    _metadata,
    Column("id", Integer, primary_key=True),
    Column("receipt_code", String(20), unique=True),
    Column("body", Text),
)
peer_tokens = Table(
    "bench_peer_token", _metadata, Column("token_hash", String(64), primary_key=True)
)


class _CommentIn(BaseModel):
    text: str
    anonymous: bool = False


def peer_app() -> FastAPI:
    """The same paths with nothing around them: one durable insert, one token lookup."""
    engine = make_engine(os.environ["PUBLISHER_DATABASE_URL"])
    _metadata.create_all(engine)
    factory = make_session_factory(engine)
    app = FastAPI()

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.post("/api/v1/consultations/{draft_id}/comments", status_code=201)
    def comment(draft_id: int, body: _CommentIn) -> dict[str, str]:
        code = new_receipt_code("YJ")
        with factory() as session:
            begin_write(session)
            session.execute(insert(peer_comments).values(receipt_code=code, body=body.text))
            session.commit()
        return {"receipt_code": code}

    @app.get("/api/v1/staff/me")
    def me(authorization: str = Header("")) -> dict[str, str]:
        with factory() as session:
            found = session.scalar(
                select(peer_tokens.c.token_hash).where(peer_tokens.c.token_hash == authorization)
            )
        if found is None:
            raise HTTPException(401, "unknown token")
        return {"token": found}

    return app


# ------------------------------------------------------------------------------- one run


@dataclass
class Load:
    statuses: dict[str, int]
    requests: int
    seconds: float
    socket_errors: int
    timeouts: int
    p50_ms: float
    p99_ms: float
    max_ms: float


@dataclass
class Run:
    target: str
    comments: Load
    bearer: Load
    probe: Load
    stored: int | None = None
    receipts: int = 0
    problems: list[str] = field(default_factory=list)


def _wrk(
    base: str, mode: str, path: str, connections: int, seconds: int, label: str
) -> subprocess.Popen[str]:
    threads = min(2, connections)
    return subprocess.Popen(
        [
            "wrk",
            f"-t{threads}",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            "-s",
            str(LUA),
            base,
            "--",
            mode,
            path,
            label,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _report(process: subprocess.Popen[str]) -> Load:
    out, _ = process.communicate(timeout=120)
    line = next((x for x in out.splitlines() if x.startswith("FREEZE_REPORT ")), None)
    if line is None:
        raise RuntimeError(f"wrk printed no report:\n{out}")
    data = json.loads(line.removeprefix("FREEZE_REPORT "))
    latency = data["latency_us"]
    return Load(
        statuses=data["statuses"],
        requests=data["requests"],
        seconds=data["duration_us"] / 1e6,
        socket_errors=data["connect_errors"] + data["read_errors"] + data["write_errors"],
        timeouts=data["timeouts"],
        p50_ms=latency["p50"] / 1000,
        p99_ms=latency["p99"] / 1000,
        max_ms=latency["max"] / 1000,
    )


def run_once(target: str, seconds: int, label: str, log: Path) -> Run:
    with TemporaryDirectory(prefix="bench-freeze-") as tmp:
        db_path = Path(tmp) / "bench.sqlite3"
        if target == "service":
            draft_id = prepare_database(db_path)
            env = server_env(db_path, Path(tmp) / "var", environment="production")
            app_spec = "publisher.web.app:create_app"
        else:
            draft_id = 1
            env = server_env(db_path, Path(tmp) / "var")
            app_spec = "bench.bench_freeze:peer_app"
        with run_server(app_spec, env, log_path=log) as (base, _):
            probe = _wrk(base, "probe", "/healthz", 1, seconds + 2, label)
            time.sleep(0.5)
            comments = _wrk(
                base,
                "comment",
                f"/api/v1/consultations/{draft_id}/comments",
                COMMENT_CONNECTIONS,
                seconds,
                label,
            )
            bearer = _wrk(base, "bearer", "/api/v1/staff/me", BEARER_CONNECTIONS, seconds, label)
            run = Run(target, _report(comments), _report(bearer), _report(probe))
        run.receipts = run.comments.statuses.get("201", 0)
        engine = make_engine(f"sqlite:///{db_path}")
        table = "consultation_comment" if target == "service" else "bench_peer_comment"
        with engine.connect() as connection:
            run.stored = connection.scalar(
                select(func.count()).select_from(Table(table, MetaData()))
            )
        engine.dispose()
    _judge(run)
    return run


def _judge(run: Run) -> None:
    if run.probe.max_ms >= PROBE_MAX_S * 1000:
        run.problems.append(f"/healthz took {run.probe.max_ms:.0f} ms")
    if run.probe.requests < 10:
        run.problems.append(f"/healthz answered only {run.probe.requests} times")
    for name, load in (("comments", run.comments), ("staff/me", run.bearer), ("probe", run.probe)):
        bad = {k: v for k, v in load.statuses.items() if k.startswith("5") and k != "503"}
        if bad:
            run.problems.append(f"{name}: server errors {bad}")
        if load.timeouts or load.socket_errors:
            run.problems.append(
                f"{name}: {load.timeouts} timeouts, {load.socket_errors} socket errors"
            )
        if load.max_ms >= BURST_MAX_S * 1000:
            run.problems.append(f"{name}: slowest answer {load.max_ms:.0f} ms")
    # wrk stops at its deadline without reading the answers still in flight: up to one per
    # connection may be stored without the client having read its receipt. More than that
    # would be lost receipts; fewer stored than receipted would be lost comments.
    stored = run.stored or 0
    if stored < run.receipts or stored - run.receipts > COMMENT_CONNECTIONS:
        run.problems.append(f"{stored} comments stored, {run.receipts} receipts read")


# ------------------------------------------------------------------------------ reporting


def _line(run: Run) -> str:
    c, b, p = run.comments, run.bearer, run.probe
    return (
        f"{run.target:<8} comments {c.requests / c.seconds:6.0f} req/s p99 {c.p99_ms:6.0f} ms "
        f"max {c.max_ms:6.0f} ms {c.statuses} | staff/me {b.requests / b.seconds:6.0f} req/s "
        f"p99 {b.p99_ms:6.0f} ms {b.statuses} | healthz max {p.max_ms:5.0f} ms "
        f"({p.requests} answers) | stored {run.stored}/{run.receipts}"
        + (f"  PROBLEMS: {'; '.join(run.problems)}" if run.problems else "")
    )


def _stat(values: list[float]) -> str:
    return f"{statistics.median(values):8.1f} ({min(values):.1f}–{max(values):.1f})"


METRICS = {
    "comments req/s": lambda r: r.comments.requests / r.comments.seconds,
    "comments p99 ms": lambda r: r.comments.p99_ms,
    "comments max ms": lambda r: r.comments.max_ms,
    "staff/me req/s": lambda r: r.bearer.requests / r.bearer.seconds,
    "staff/me p99 ms": lambda r: r.bearer.p99_ms,
    "healthz max ms": lambda r: r.probe.max_ms,
    "healthz p99 ms": lambda r: r.probe.p99_ms,
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=8, help="length of each burst")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        print("wrk is needed: apt-get install wrk", file=sys.stderr)
        return 2
    server_log = Path(mkdtemp(prefix="bench-freeze-log-")) / "servers.log"
    runs: list[Run] = []
    for round_ in range(args.rounds):
        for target in ("service", "peer"):
            run = run_once(target, args.seconds, f"{target}{round_}-{time.time_ns()}", server_log)
            print(_line(run), flush=True)
            runs.append(run)
    print(f"\nmedian (min–max) over {args.rounds} rounds; ratio = service / peer medians")
    print(f"{'':<16} {'service':>22} {'peer':>22} {'ratio':>7}")
    for name, metric in METRICS.items():
        service = [metric(r) for r in runs if r.target == "service"]
        peer = [metric(r) for r in runs if r.target == "peer"]
        ratio = statistics.median(service) / max(statistics.median(peer), 1e-9)
        print(f"{name:<16} {_stat(service):>22} {_stat(peer):>22} {ratio:7.2f}")
        slower = not name.endswith("req/s")
        record(name, service, peer, name.rsplit(" ", 1)[1], lower_is_better=slower)
    failed = [r for r in runs if r.target == "service" and r.problems]
    print(f"\nserver log: {server_log}")
    for run in failed:
        print(f"FAIL {'; '.join(run.problems)}")
    if not failed:
        print(
            f"PASS /healthz under {PROBE_MAX_S:.0f} s throughout, every request answered within "
            f"{BURST_MAX_S:.0f} s, no 500, no timeout, no receipt without its comment"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
