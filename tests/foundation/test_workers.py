"""`publisher serve --workers N` (#21 item 7): N uvicorn workers on one port, each with its own
pool, the machine's connection total printed against PostgreSQL's max_connections; SIGTERM
stops them all and the command exits 0."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from publisher.settings import PROJECT_ROOT
from tests.harness.postgres import free_port


def _children(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.add(int(entry.name))
    return found


@pytest.mark.parametrize("backend", ["postgresql"])
def test_two_workers_serve_one_port_and_stop_together(db_url: str, tmp_path: Path) -> None:
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("PUBLISHER_")},
        "PUBLISHER_ENVIRONMENT": "test",
        "PUBLISHER_SECRET_KEY": "workers-secret",
        "PUBLISHER_DATABASE_URL": db_url,
        "PUBLISHER_DATA_DIR": str(tmp_path / "var"),
        "PUBLISHER_DB_POOL_SIZE": "5",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "publisher.cli", "serve", "--port", str(port), "--workers", "2"],
        env=env,
        cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 90
        while True:
            try:
                if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert process.poll() is None, "serve exited"
            assert time.monotonic() < deadline, "the workers did not come up"
            time.sleep(0.2)
        workers = _children(process.pid) - {process.pid}
        # uvicorn's supervisor spawns the workers (and multiprocessing a resource tracker)
        assert len(workers) >= 2, workers
        with httpx.Client(base_url=base, timeout=10) as client:
            assert all(client.get("/api/v1/meetings").status_code == 200 for _ in range(20))
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    text = output.decode()
    assert process.returncode == 0, text
    assert "up to 2 worker(s) × 10 = 20 from this machine" in text
    assert "PostgreSQL max_connections = 200" in text
