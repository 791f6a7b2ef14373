"""Scale-out figures on PostgreSQL (#21), side by side in one run:

* public page (`GET /consultations`) and comment intake (`POST …/comments`) req/s with one and
  with two `publisher serve` processes (each its own data dir, as on two machines) on one
  PostgreSQL, the load spread round-robin;
* feed (`GET /feeds/consultations.atom`) req/s through the deployment's nginx (deploy/nginx.conf,
  its proxy cache) against one process directly.

Run: ``.venv/bin/python bench/bench_scaleout.py`` (``--seconds``, ``--clients``). PostgreSQL is
a throw-away server from Debian's packages (tests/harness/postgres.py), nginx Debian's. Client,
servers and database share the machine: the figures compare shapes within one run; they are
not a capacity estimate (on a 2-core machine two processes compete with the load generator).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402

from bench._results import record  # noqa: E402
from bench._servers import calendar_covering, open_consultation_on  # noqa: E402
from publisher.storage.db import make_engine  # noqa: E402
from publisher.storage.migrate import upgrade  # noqa: E402
from tests.harness.nginx import run_nginx  # noqa: E402
from tests.harness.postgres import PostgresServer, start_postgres  # noqa: E402
from tests.harness.serve import serve_env, start_serve, stop  # noqa: E402


async def _drive(urls: list[str], seconds: float, clients: int, post: bool) -> float:
    """Requests per second answered 2xx, `clients` at a time, for `seconds`."""
    done = failed = 0
    counter = itertools.count()
    deadline = time.monotonic() + seconds

    async def one_client(client: httpx.AsyncClient) -> None:
        nonlocal done, failed
        while time.monotonic() < deadline:
            n = next(counter)
            url = urls[n % len(urls)]
            try:
                if post:
                    address = f"10.{n // 62500 % 250}.{n // 250 % 250}.{n % 250}"
                    body = {"text": f"第{n}条意见", "anonymous": True}
                    response = await client.post(
                        url, json=body, headers={"X-Forwarded-For": address}
                    )
                else:
                    response = await client.get(url)
            except httpx.TransportError:
                failed += 1
                continue
            if response.status_code < 300:
                done += 1
            else:
                failed += 1

    limits = httpx.Limits(max_connections=clients)
    started = time.monotonic()
    async with httpx.AsyncClient(timeout=30, limits=limits) as client:
        await asyncio.gather(*(one_client(client) for _ in range(clients)))
    if failed:
        print(f"  ({failed} of {done + failed} requests to {urls[0]} failed)")
    return done / (time.monotonic() - started)


def rate(urls: list[str], seconds: float, clients: int, post: bool = False) -> float:
    return asyncio.run(_drive(urls, seconds, clients, post))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=6.0)
    parser.add_argument("--clients", type=int, default=32)
    args = parser.parse_args()
    server = start_postgres()
    try:
        with tempfile.TemporaryDirectory() as folder:
            run(Path(folder), server, args.seconds, args.clients)
    finally:
        server.stop()


def run(folder: Path, server: PostgresServer, seconds: float, clients: int) -> None:
    admin = create_engine(server.url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text("CREATE DATABASE bench"))
    admin.dispose()
    db_url = server.url("bench")
    engine = make_engine(db_url)
    upgrade(engine)
    engine.dispose()
    calendar = calendar_covering(folder / "calendar")
    draft_id = open_consultation_on(db_url, calendar)
    rows: list[tuple[str, float, float]] = []
    figures: dict[tuple[str, int], float] = {}
    for processes in (1, 2):
        with ExitStack() as stack:
            bases = []
            for number in range(processes):
                log = stack.enter_context((folder / f"serve-{processes}-{number}.log").open("wb"))
                env = serve_env(
                    db_url,
                    folder / f"machine-{number}",
                    PUBLISHER_CALENDAR_DIR=str(calendar),
                )
                process, base = start_serve(env, log)
                stack.callback(stop, process)
                bases.append(base)
            figures[("page", processes)] = rate(
                [f"{b}/consultations" for b in bases], seconds, clients
            )
            figures[("comment", processes)] = rate(
                [f"{b}/api/v1/consultations/{draft_id}/comments" for b in bases],
                seconds,
                clients,
                post=True,
            )
            if processes == 2:
                nginx_folder = folder / "nginx"
                nginx_folder.mkdir(mode=0o777)
                nginx_folder.chmod(0o777)
                proxy = stack.enter_context(
                    run_nginx(nginx_folder, [b.split("//")[1] for b in bases])
                )
                feed = "/feeds/consultations.atom"
                direct = rate([bases[0] + feed], seconds, clients)
                cached = rate([proxy + feed], seconds, clients)
    rows.append(("public page GET /consultations", figures[("page", 1)], figures[("page", 2)]))
    rows.append(
        ("comment intake POST …/comments", figures[("comment", 1)], figures[("comment", 2)])
    )
    print(f"PostgreSQL, {clients} concurrent clients, {seconds:.0f} s per figure (req/s)")
    print(f"{'':34} {'1 process':>12} {'2 processes':>12}")
    for name, one, two in rows:
        print(f"{name:34} {one:12.0f} {two:12.0f}")
        record(f"{name}, 2 processes vs 1", two, one, "req/s", peer_name="1 process")
    print(f"{'feed GET /feeds/consultations.atom':34} {'direct':>12} {'nginx cache':>12}")
    print(f"{'':34} {direct:12.0f} {cached:12.0f}")
    record("feed through nginx cache vs direct", cached, direct, "req/s", peer_name="direct")


if __name__ == "__main__":
    main()
