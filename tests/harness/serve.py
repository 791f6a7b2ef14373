"""`publisher serve` in a subprocess, as a machine of a deployment runs it."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import IO

import httpx

from publisher.settings import PROJECT_ROOT
from tests.harness.postgres import free_port


def serve_env(database_url: str, data_dir: Path, **extra: str) -> dict[str, str]:
    """The environment of one machine: its own data dir; the load generator or the proxy on
    loopback is its trusted proxy."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PUBLISHER_")}
    env.update(
        PUBLISHER_ENVIRONMENT="test",
        PUBLISHER_SECRET_KEY="machines-share-one-secret",
        PUBLISHER_DATABASE_URL=database_url,
        PUBLISHER_DATA_DIR=str(data_dir),
        PUBLISHER_TRUSTED_PROXIES="127.0.0.1",
    )
    env.update(extra)
    return env


def start_serve(
    env: dict[str, str], log: IO[bytes], *args: str
) -> tuple[subprocess.Popen[bytes], str]:
    """Started and ready (/readyz 200); (process, base URL)."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "publisher.cli", "serve", "--port", str(port), *args],
        env=env,
        cwd=PROJECT_ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while True:
        try:
            if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                return process, base
        except httpx.TransportError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError("publisher serve did not become ready")
        time.sleep(0.1)


def stop(process: subprocess.Popen[bytes]) -> int:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    return process.returncode


@contextmanager
def machines(
    database_url: str, folder: Path, names: tuple[str, ...] = ("a", "b"), **extra: str
) -> Iterator[list[tuple[subprocess.Popen[bytes], str]]]:
    """Several `publisher serve` processes on one database, each with its own data dir and log
    under `folder`, started ready and stopped on exit: [(process, base URL)]."""
    with ExitStack() as stack:
        started = []
        for name in names:
            log = stack.enter_context((folder / f"{name}.log").open("wb"))
            started.append(start_serve(serve_env(database_url, folder / name, **extra), log))
            stack.callback(stop, started[-1][0])
        yield started
