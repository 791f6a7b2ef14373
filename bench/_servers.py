"""Helpers shared by the benches that run the real service: a fresh SQLite database with an open
consultation, the environment of a server subprocess, and uvicorn in a subprocess.

Imported as ``bench._servers``: the importing bench puts the repository root on ``sys.path``.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import httpx

from publisher.storage.db import make_engine, make_session_factory

ROOT = Path(__file__).resolve().parent.parent
LOCAL = dt.timezone(dt.timedelta(hours=8))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def calendar_covering(directory: Path, days_ahead: int = 90) -> Path:
    """The bundled year files in ``directory``, plus a placeholder for every year up to
    ``days_ahead`` from today that is not bundled yet. For the benches and the tests that run
    on the real clock only: late in December a window opened today reaches into a year whose
    State Council notice may not be out; the placeholder (New Year's Day and weekends, marked
    as such) keeps them running. The service itself never guesses a year."""
    from publisher.rules.calendar_data import NamedDay, YearFile, YearSourceInfo, write_year_file

    if not directory.exists():
        shutil.copytree(ROOT / "datasets" / "calendar", directory)
    last = (dt.date.today() + dt.timedelta(days=days_ahead)).year
    for year in range(dt.date.today().year, last + 1):
        if (directory / f"{year}.json").exists():
            continue
        new_year = dt.date(year, 1, 1)
        while new_year.weekday() >= 5:  # the day off falls on the next weekday
            new_year += dt.timedelta(days=1)
        placeholder = YearFile(
            year=year,
            days_off=[NamedDay(date=new_year, name="元旦")],
            adjusted_workdays=[],
            source=YearSourceInfo(
                notice_title=f"{year}年测试占位安排（不是国务院通知）",
                notice_url="https://example.invalid/placeholder",
                built_from="operator: bench placeholder, not the State Council notice",
            ),
        )
        write_year_file(placeholder, directory)
    return directory


def prepare_database(db_path: Path, calendar_dir: Path | None = None) -> int:
    """Migrate a fresh SQLite file and open one consultation now (real clock); its id. The
    calendar is ``calendar_covering(db_path.parent / "calendar")`` unless given (the server's
    environment from `server_env` uses the same folder)."""
    from publisher.storage.migrate import upgrade

    engine = make_engine(f"sqlite:///{db_path}")
    upgrade(engine)
    engine.dispose()
    return open_consultation_on(
        f"sqlite:///{db_path}", calendar_dir or calendar_covering(db_path.parent / "calendar")
    )


def open_consultation_on(database_url: str, calendar_dir: Path, draft_text: str = "草案") -> int:
    """Open one consultation now (real clock) on a migrated database, SQLite or PostgreSQL;
    its id."""
    from consultation import drafts
    from publisher.rules.rulebook import RuleBook
    from publisher.rules.workcalendar import get_calendar
    from publisher.staff.principal import StaffPrincipal
    from publisher.staff.roles import Role
    from publisher.timeutil import now_utc

    engine = make_engine(database_url)
    now = now_utc()
    actor = StaffPrincipal(None, "bench", "bench", Role.EDITOR, "cli")
    rules = RuleBook(get_calendar(calendar_covering(calendar_dir)))
    with make_session_factory(engine)() as session:
        draft = drafts.create_draft(
            session,
            actor,
            drafts.DraftInput(
                title="压力测试草案",
                draft_text=draft_text,
                basis_text="依据",
                opens_at=now,
                closes_at=now + dt.timedelta(days=30),  # 5 working days even over a holiday
                publish_at=now,
            ),
            rules,
            now,
        )
        session.commit()
        draft_id = draft.id
    engine.dispose()
    return draft_id


def server_env(db_path: Path, data_dir: Path, environment: str = "test") -> dict[str, str]:
    """The service's settings; the load generator on loopback is its trusted proxy, so each
    request's ``X-Forwarded-For`` is its client address (as behind a real reverse proxy)."""
    env = dict(os.environ)
    env.update(
        PUBLISHER_ENVIRONMENT=environment,
        PUBLISHER_TRUSTED_PROXIES="127.0.0.1",
        PUBLISHER_SECRET_KEY="bench-secret",
        # production refuses to start without it (it is the address in feeds and e-mails)
        PUBLISHER_BASE_URL=os.environ.get("PUBLISHER_BASE_URL", "https://yugao.smx.gov.cn"),
        PUBLISHER_DATABASE_URL=f"sqlite:///{db_path}",
        PUBLISHER_DATA_DIR=str(data_dir),
        PUBLISHER_CALENDAR_DIR=str(calendar_covering(db_path.parent / "calendar")),
        PYTHONPATH=str(ROOT),
    )
    # production refuses to start without the address its feeds and e-mails name
    env.setdefault("PUBLISHER_BASE_URL", "https://bench.example.cn")
    return env


@contextmanager
def run_server(
    app_spec: str,
    env: dict[str, str],
    extra_args: Sequence[str] = (),
    log_path: Path | None = None,
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """uvicorn --factory APP in a subprocess; yields (base URL, process). Killed on exit.

    ``extra_args`` go to uvicorn (e.g. ``--forwarded-allow-ips``); with ``log_path`` the
    server's output (warnings and errors: the access log is off) goes to that file."""
    port = free_port()
    with ExitStack() as stack:
        log = stack.enter_context(log_path.open("ab")) if log_path is not None else None
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "--factory",
                app_spec,
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--log-level",
                "warning",
                "--no-access-log",
                # as `publisher serve`: the app's own middleware reads the proxy headers
                "--no-proxy-headers",
                *extra_args,
            ],
            env=env,
            cwd=ROOT,
            stdout=log,
            stderr=log,
        )
        base = f"http://127.0.0.1:{port}"
        with started(proc, f"{base}/healthz", app_spec, timeout=30):
            yield base, proc


async def lifespan(receive: Any, send: Any) -> None:
    """The lifespan protocol for the benches' raw ASGI peers: nothing to start or stop."""
    while (await receive())["type"] != "lifespan.shutdown":
        await send({"type": "lifespan.startup.complete"})
    await send({"type": "lifespan.shutdown.complete"})


@contextmanager
def started(proc: subprocess.Popen[bytes], probe: str, what: str, timeout: float) -> Iterator[None]:
    """Wait until `probe` answers 200 (RuntimeError if the process ends or `timeout` passes
    first); the process is stopped when the block ends."""
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                if httpx.get(probe, timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{what} did not start")
            time.sleep(0.05)  # polling a starting server, not a measure
        yield
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
