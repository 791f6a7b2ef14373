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
import sys
from pathlib import Path
from tempfile import TemporaryDirectory

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
from fastapi import FastAPI  # noqa: E402
from fastapi.responses import Response  # noqa: E402

from bench._meetings import plant_database  # noqa: E402
from bench._servers import run_server, server_env  # noqa: E402
from bench._wrk import have_wrk, print_table, wrk  # noqa: E402

PATHS = ("/meetings", "/meetings/1")
CONNECTIONS = 50


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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--notices", type=int, default=1000)
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    if not have_wrk():
        print("wrk is needed: apt-get install wrk", file=sys.stderr)
        return 2
    results: dict[tuple[str, str], list[dict[str, float]]] = {}
    with TemporaryDirectory(prefix="bench-list-") as tmp:
        db_path = Path(tmp) / "bench.sqlite3"
        plant_database(db_path, args.notices)
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
                            wrk(base + path, args.seconds, CONNECTIONS)
                        )
    print(
        f"{args.notices} notices, {CONNECTIONS} connections, {args.rounds} rounds × "
        f"{args.seconds} s; median (min–max)"
    )
    failed = print_table(PATHS, results)
    print("FAIL: errors" if failed else "no errors")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
