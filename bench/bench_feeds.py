"""The meetings feed with 1,000 notices, served by the real service against a raw ASGI app
serving the same precompressed bytes (issue #15: 85 req/s gzip and 191 req/s for a 304, when
each request asked the database for a version token and gzipped the body again).

Run: ``.venv/bin/python bench/bench_feeds.py`` (options: ``--notices``, ``--seconds``,
``--rounds``; needs Debian's ``wrk``).

The service runs as in production (uvicorn, a fresh SQLite file with ``--notices`` published
notices, each with a change). The peer is a raw ASGI app that answers each case with the very
bytes and headers the service sent (the gzip body, or a 304 for a matching ``If-None-Match``):
the floor for serving those bytes on this machine. ``wrk`` drives 50 connections for
``--seconds`` per case; service and peer alternate, three rounds; medians, spreads (min–max),
ratios and the service's resident memory after the load are printed. Target (issue #15): at
least 0.5× the raw app, 0 errors, memory under 250 MiB.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import sys
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

from bench._meetings import plant_database  # noqa: E402
from bench._servers import lifespan, run_server, server_env  # noqa: E402
from bench._wrk import have_wrk, print_table, wrk  # noqa: E402

CONNECTIONS = 50
GZIP = "Accept-Encoding: gzip"
#: case → (path, whether the request carries the gzip ETag as If-None-Match)
CASES = {
    "meetings.rss gzip": ("/feeds/meetings.rss", False),
    "meetings.rss 304": ("/feeds/meetings.rss", True),
    "meetings.ics gzip": ("/feeds/meetings.ics", False),
}

Scope = MutableMapping[str, Any]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]


def capture(base: str) -> dict[str, dict[str, str]]:
    """What the service sends for each path with gzip: raw (compressed) body and headers."""
    captured = {}
    for path, _ in CASES.values():
        with httpx.stream("GET", base + path, headers={"Accept-Encoding": "gzip"}) as response:
            raw = b"".join(response.iter_raw())
            assert response.headers.get("content-encoding") == "gzip", path
            captured[path] = {
                "body": base64.b64encode(raw).decode("ascii"),
                "etag": response.headers["etag"],
                "type": response.headers["content-type"],
                "last_modified": response.headers["last-modified"],
            }
    return captured


def peer_app() -> Callable[[Scope, Any, Send], Awaitable[None]]:
    """A raw ASGI app answering each path with the captured bytes (or 304)."""
    captured: dict[str, dict[str, str]] = json.loads(Path(os.environ["BENCH_BODIES"]).read_text())
    bodies = {path: base64.b64decode(c["body"]) for path, c in captured.items()}

    async def app(scope: Scope, receive: Any, send: Send) -> None:
        if scope["type"] == "lifespan":
            await lifespan(receive, send)
            return
        path = scope["path"]
        if path == "/healthz":
            await send({"type": "http.response.start", "status": 200, "headers": []})
            await send({"type": "http.response.body", "body": b"ok"})
            return
        spec = captured[path]
        etag = spec["etag"].encode()
        headers = dict(scope["headers"])
        common = [(b"etag", etag), (b"vary", b"Accept-Encoding"), (b"cache-control", b"public")]
        if headers.get(b"if-none-match") == etag:
            await send({"type": "http.response.start", "status": 304, "headers": common})
            await send({"type": "http.response.body", "body": b""})
            return
        body = bodies[path]
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [
                    *common,
                    (b"content-type", spec["type"].encode()),
                    (b"content-encoding", b"gzip"),
                    (b"last-modified", spec["last_modified"].encode()),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})

    return app


def resident_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


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
    memory: list[float] = []
    with TemporaryDirectory(prefix="bench-feeds-") as tmp:
        db_path = Path(tmp) / "bench.sqlite3"
        plant_database(db_path, args.notices)
        env = server_env(db_path, Path(tmp) / "var", environment="production")
        with run_server("publisher.web.app:create_app", env) as (base, _):
            captured = capture(base)
        bodies_file = Path(tmp) / "bodies.json"
        bodies_file.write_text(json.dumps(captured), encoding="utf-8")
        peer_env = {**env, "BENCH_BODIES": str(bodies_file)}
        for _ in range(args.rounds):
            for target, spec, target_env in (
                ("service", "publisher.web.app:create_app", env),
                ("peer", "bench.bench_feeds:peer_app", peer_env),
            ):
                with run_server(spec, target_env) as (base, proc):
                    for path, _ in CASES.values():  # the first build is not what is measured
                        httpx.get(base + path, timeout=120)
                    for case, (path, conditional) in CASES.items():
                        headers = [GZIP]
                        if conditional:
                            headers.append(f"If-None-Match: {captured[path]['etag']}")
                        results.setdefault((target, case), []).append(
                            wrk(base + path, args.seconds, CONNECTIONS, headers)
                        )
                    if target == "service":
                        memory.append(resident_mib(proc.pid))
    sizes = ", ".join(
        f"{path} {len(base64.b64decode(c['body'])) // 1024} KiB gzip"
        for path, c in captured.items()
    )
    print(
        f"{args.notices} notices ({sizes}), {CONNECTIONS} connections, {args.rounds} rounds × "
        f"{args.seconds} s; median (min–max)"
    )
    failed = print_table(list(CASES), results)
    print(f"service resident memory after the load: {max(memory):.0f} MiB (largest of rounds)")
    print("FAIL: errors" if failed else "no errors")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
