"""README command 1, for real: `scripts/serve` sets up, migrates, loads data and serves."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import httpx

from publisher.settings import PROJECT_ROOT
from tests.harness.postgres import free_port


def test_scripts_serve_runs_the_service_on_sqlite(tmp_path: Path) -> None:
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("PUBLISHER_")},
        "PUBLISHER_DATA_DIR": str(tmp_path / "var"),
        "PUBLISHER_PORT": str(port),
    }
    process = subprocess.Popen(
        ["bash", str(PROJECT_ROOT / "scripts" / "serve")],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                health = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2)
                break
            except httpx.TransportError:
                assert process.poll() is None, process.stdout.read() if process.stdout else ""
                assert time.monotonic() < deadline, "the service did not come up in 120 s"
                time.sleep(0.2)
        assert health.json() == {"status": "ok", "database": "sqlite"}
        assert (tmp_path / "var" / "publisher.sqlite3").exists()
        home = httpx.get(f"http://127.0.0.1:{port}/", timeout=5)
        assert "信息预公开与开放数据" in home.text
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        output, _ = process.communicate(timeout=30)
    assert f"running at http://127.0.0.1:{port}/" in output
