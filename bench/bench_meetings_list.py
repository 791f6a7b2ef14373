"""The public meetings list and a meeting page with 1,000 notices (issue #15: 0.3–0.9 req/s and
26–70 % HTTP 500 under 50 clients; 1,990 SQL statements per view).

Run: ``.venv/bin/python bench/bench_meetings_list.py`` (options: ``--notices``, ``--seconds``,
``--rounds``; needs Debian's ``wrk``).

The service runs as in production (uvicorn, a fresh SQLite file with ``--notices`` published
notices around today, each with an application and a change). The peer is a bare FastAPI app
returning the very bytes the service returned for the same path: the floor for a Python
endpoint on this machine. ``wrk`` drives 50 connections for ``--seconds`` per path; service and
peer alternate, three rounds; medians, spreads (min–max) and service/peer ratios are printed.
Target (issue #15): 0 errors and at least 0.5× the bare endpoint.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
from pathlib import Path
from tempfile import TemporaryDirectory

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
from fastapi import FastAPI  # noqa: E402
from fastapi.responses import Response  # noqa: E402

from bench._servers import run_server, server_env  # noqa: E402

PATHS = ("/meetings", "/meetings/1")
CONNECTIONS = 50


def plant(db_path: Path, count: int) -> None:
    """Migrate and add `count` published notices around now, half held already, half to come."""
    from bench._meetings import plant_published_notices
    from publisher.storage.db import make_engine, make_session_factory
    from publisher.storage.migrate import upgrade
    from publisher.timeutil import now_utc

    engine = make_engine(f"sqlite:///{db_path}")
    upgrade(engine)
    with make_session_factory(engine)() as session:
        plant_published_notices(session, count, now=now_utc())
        session.commit()
    engine.dispose()


def peer_app() -> FastAPI:
    """Returns, for each path, the bytes the service returned for it (read from a file)."""
    bodies: dict[str, bytes] = json.loads(Path(os.environ["BENCH_BODIES"]).read_text())
    app = FastAPI()

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/meetings")
    def listing() -> Response:
        return Response(bodies["/meetings"].encode(), media_type="text/html; charset=utf-8")

    @app.get("/meetings/{meeting_id}")
    def one(meeting_id: int) -> Response:
        return Response(bodies["/meetings/1"].encode(), media_type="text/html; charset=utf-8")

    return app


def wrk(url: str, seconds: int) -> dict[str, float]:
    out = subprocess.run(
        ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency", "--timeout", "10s", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return {
        "rate": rate,
        "p99_ms": float(p99.group(1)) * scale[p99.group(2)] if p99 else float("nan"),
        "errors": (int(non2xx.group(1)) if non2xx else 0)
        + (sum(int(x) for x in errors.groups()) if errors else 0),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--notices", type=int, default=1000)
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        print("wrk is needed: apt-get install wrk", file=sys.stderr)
        return 2
    results: dict[tuple[str, str], list[dict[str, float]]] = {}
    with TemporaryDirectory(prefix="bench-list-") as tmp:
        db_path = Path(tmp) / "bench.sqlite3"
        plant(db_path, args.notices)
        env = server_env(db_path, Path(tmp) / "var", environment="production")
        bodies_file = Path(tmp) / "bodies.json"
        with run_server("publisher.web.app:create_app", env) as (base, _):
            bodies = {path: httpx.get(base + path).text for path in PATHS}
        bodies_file.write_text(json.dumps(bodies), encoding="utf-8")
        peer_env = {**env, "BENCH_BODIES": str(bodies_file)}
        for _ in range(args.rounds):
            for target, spec, target_env in (
                ("service", "publisher.web.app:create_app", env),
                ("peer", "bench.bench_meetings_list:peer_app", peer_env),
            ):
                with run_server(spec, target_env) as (base, _):
                    for path in PATHS:
                        results.setdefault((target, path), []).append(
                            wrk(base + path, args.seconds)
                        )
    print(
        f"{args.notices} notices, {CONNECTIONS} connections, {args.rounds} rounds × "
        f"{args.seconds} s; median (min–max)"
    )
    print(
        f"{'path':<14} {'service req/s':>24} {'peer req/s':>24} {'ratio':>6} "
        f"{'p99 ms':>8} {'errors':>7}"
    )
    failed = False
    for path in PATHS:
        service = [r["rate"] for r in results[("service", path)]]
        peer = [r["rate"] for r in results[("peer", path)]]
        errors = sum(r["errors"] for r in results[("service", path)])
        p99 = statistics.median(r["p99_ms"] for r in results[("service", path)])
        ratio = statistics.median(service) / statistics.median(peer)
        print(
            f"{path:<14} {statistics.median(service):10.0f} ({min(service):.0f}–{max(service):.0f})"
            f" {statistics.median(peer):10.0f} ({min(peer):.0f}–{max(peer):.0f})"
            f" {ratio:6.2f} {p99:8.0f} {errors:7.0f}"
        )
        failed |= errors > 0
    print("FAIL: errors" if failed else "no errors")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
