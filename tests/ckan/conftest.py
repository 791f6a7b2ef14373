"""Fixtures for the CKAN push tests: a real CKAN from the harness, a fault proxy in front of it,
and the push's tables on SQLite and on PostgreSQL (the harness's own cluster).

The harness is started once per session and stopped at its end, unless SMX_CKAN_KEEP=1 (handy
while iterating: the next session then gets a warm start). Every test uses its own CKAN name
prefix, so tests never see each other's datasets even though CKAN outlives the session.
"""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import time
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import ckanapi
import pytest
from sqlalchemy import Engine, create_engine, text

from publisher.ckan.client import RetryPolicy
from publisher.ckan.plan import PushOptions
from publisher.storage.db import make_engine
from publisher.storage.migrate import upgrade
from tests.harness.faultproxy import FaultProxy

RUN_CKAN = Path(__file__).resolve().parents[1] / "harness" / "ckan" / "run-ckan.sh"
ORGANIZATION = "smx-test-org"
_counter = itertools.count()


def read_env(path: Path) -> dict[str, str]:
    pairs = (line.split("=", 1) for line in path.read_text().splitlines() if "=" in line)
    return {k: v for k, v in pairs}


def _harness(command: str) -> dict[str, str]:
    out = subprocess.run(
        [str(RUN_CKAN), command], check=True, capture_output=True, text=True, timeout=900
    )
    return read_env(Path(out.stdout.strip().splitlines()[-1]))


def wait_until_up(url: str, deadline_seconds: float) -> None:
    """Poll CKAN's status_show until it answers 200 or the deadline passes."""
    deadline = time.monotonic() + deadline_seconds
    last: Exception | None = None
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/api/3/action/status_show", timeout=2) as resp:
                if json.load(resp).get("success"):
                    return
        except OSError as exc:
            last = exc
        time.sleep(0.2)  # polling interval, bounded by the deadline above
    raise RuntimeError(f"CKAN at {url} did not answer within {deadline_seconds} s: {last}")


@dataclass(frozen=True)
class CkanHarness:
    url: str
    token: str
    pg_url: str  # postgresql://postgres@127.0.0.1:PORT (no database)
    start_seconds: float

    def api(self) -> ckanapi.RemoteCKAN:
        """A client straight to CKAN, bypassing the proxy: for checking, not for pushing."""
        return ckanapi.RemoteCKAN(self.url, apikey=self.token)


@pytest.fixture(scope="session")
def harness_pg() -> Iterator[str]:
    env = _harness("start-pg")
    yield env["PG_URL"]
    if not os.environ.get("SMX_CKAN_KEEP"):
        subprocess.run([str(RUN_CKAN), "stop"], check=False, capture_output=True, timeout=120)


@pytest.fixture(scope="session")
def ckan(harness_pg: str) -> CkanHarness:
    started = time.monotonic()
    env = _harness("start")
    wait_until_up(env["CKAN_URL"], 120)
    return CkanHarness(
        env["CKAN_URL"], env["CKAN_API_TOKEN"], env["PG_URL"], time.monotonic() - started
    )


@pytest.fixture(params=["sqlite", "postgresql"])
def push_engine(
    request: pytest.FixtureRequest, tmp_path: Path, harness_pg: str
) -> Iterator[Engine]:
    """A fresh database of either backend, migrated to head."""
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'push.sqlite3'}")
        dropper = None
    else:
        name = f"smx_ckan_push_{os.getpid()}_{next(_counter)}"
        base = harness_pg.replace("postgresql://", "postgresql+psycopg://")
        admin = create_engine(f"{base}/postgres", isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f"CREATE DATABASE {name}"))
        engine = make_engine(f"{base}/{name}")
        dropper = (admin, name)
    upgrade(engine)  # the same migrations as production
    yield engine
    engine.dispose()
    if dropper is not None:
        admin, name = dropper
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()


@pytest.fixture
def proxy(ckan: CkanHarness) -> Iterator[FaultProxy]:
    p = FaultProxy(ckan.url, seed=1234).start()
    yield p
    p.stop()


@pytest.fixture
def options() -> PushOptions:
    """A unique name prefix per test, and quick retries so fault tests stay fast."""
    prefix = f"t{uuid.uuid4().hex[:8]}-"
    return PushOptions(
        workers=2,
        name_prefix=prefix,
        retry=RetryPolicy(attempts=8, initial_wait=0.02, max_wait=0.3, timeout=10),
    )
