"""The database stopped under two running processes (#21 item 5, as the issue's table tried it):
both answer `/healthz` 200, `/readyz` and reads 503 with Retry-After within 5 s, and both serve
again within 20 s of the database's return, without a restart. Real `publisher serve` processes
with their own data dirs on a PostgreSQL server of the test's own (stopped and started)."""

from __future__ import annotations

import time
from contextlib import ExitStack
from pathlib import Path

import httpx

from publisher.storage.db import make_engine
from publisher.storage.migrate import upgrade
from tests.harness.postgres import PostgresServer
from tests.harness.serve import serve_env, start_serve, stop


def _timed(url: str) -> tuple[int, float, httpx.Headers]:
    started = time.monotonic()
    try:
        response = httpx.get(url, timeout=15)
    except httpx.TransportError:
        return 0, time.monotonic() - started, httpx.Headers()
    return response.status_code, time.monotonic() - started, response.headers


def test_both_processes_answer_503_while_it_is_gone_and_serve_again_on_its_return(
    own_postgres: PostgresServer, tmp_path: Path
) -> None:
    url = own_postgres.url()
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    with ExitStack() as stack:
        bases = []
        for name in ("a", "b"):
            log = stack.enter_context((tmp_path / f"{name}.log").open("wb"))
            process, base = start_serve(serve_env(url, tmp_path / name), log)
            stack.callback(stop, process)
            bases.append(base)
        for base in bases:
            assert httpx.get(f"{base}/api/v1/meetings", timeout=10).status_code == 200

        own_postgres.stop()
        for base in bases:
            for path in ("/api/v1/meetings", "/meetings", "/readyz"):
                status, seconds, headers = _timed(base + path)
                assert status == 503 and seconds < 5, (base, path, status, seconds)
                assert headers["retry-after"] == "5"
            assert _timed(f"{base}/healthz")[0] == 200

        own_postgres.start()
        back = time.monotonic()
        waiting = set(bases)
        while waiting:
            waiting = {b for b in waiting if _timed(f"{b}/api/v1/meetings")[0] != 200}
            assert time.monotonic() - back < 20, f"not serving again within 20 s: {waiting}"
            time.sleep(0.2)
        for base in bases:
            assert _timed(f"{base}/readyz")[0] == 200
