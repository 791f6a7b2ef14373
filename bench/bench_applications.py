"""Load benchmark of durable attendance-application intake with `wrk`, beside a minimal app.

Run: ``.venv/bin/python bench/bench_applications.py`` (options: ``--seconds``, ``--rounds``,
``--connections``, ``--backend sqlite|postgresql|both``, both by default). Each server is
uvicorn in its own subprocess on 127.0.0.1, on a fresh migrated database holding a published
meeting taking applications for each (starting in 30 days, room for 100,000: none waitlisted);
`wrk` (C, Debian's) posts with 100 connections, every request a new applicant with its own
mobile number, ``X-Forwarded-For`` address and ``Idempotency-Key`` (bench/wrk/applications.lua),
so the per-address limits are exercised but never reached and no phone applies twice. Service
and peer alternate, three rounds; medians, spreads, the ratio and the service's p99.

* ``service``: the real ``POST /api/v1/meetings/{id}/applications`` (validation, the checks on
  the request's session, then the group writer: lock the notice, check again the window,
  duplicates, places and limits, insert, the applicant's message in the outbox, COMMIT);
* ``minimal``: a bare FastAPI endpoint inserting the same application row per request through
  the same engine (BEGIN IMMEDIATE, INSERT, COMMIT).

SQLite runs WAL with ``synchronous=FULL``; PostgreSQL is a server of the bench's own with
``fsync=on`` and ``synchronous_commit=on`` (bench_comments.DurablePostgres), so every figure is
durable intake. Client and server share the machine: the figures compare within one run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from tempfile import TemporaryDirectory

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from fastapi import FastAPI  # noqa: E402
from pydantic import BaseModel  # noqa: E402
from sqlalchemy import insert  # noqa: E402

from bench._servers import run_server, server_env  # noqa: E402
from bench._wrk import have_wrk, print_peers_table, wrk  # noqa: E402
from bench.bench_comments import DurablePostgres  # noqa: E402
from publisher.meetings.models import MeetingApplication, MeetingNotice  # noqa: E402
from publisher.receipts import new_receipt_code  # noqa: E402
from publisher.storage.db import begin_write, make_engine, make_session_factory  # noqa: E402
from publisher.storage.migrate import upgrade  # noqa: E402
from publisher.timeutil import now_utc  # noqa: E402
from tests.harness.postgres import start_postgres  # noqa: E402

SCRIPT = Path(__file__).resolve().parent / "wrk" / "applications.lua"
#: places of the meeting: more than any run here takes, so every application is pending
CAPACITY = 100_000
#: blocks of numbers in bench/wrk/applications.lua (phones 13000000001 up to 19999999999)
BLOCKS = 140

# ------------------------------------------------------------------ the minimal comparison app


class _MinimalIn(BaseModel):
    applicant_name: str
    phone: str
    category: str
    statement: str = ""


def minimal_app() -> FastAPI:
    """The same durable insert of one application row with nothing around it (same engine
    settings, same database; a meeting of its own, BENCH_NOTICE_ID)."""
    engine = make_engine(os.environ["PUBLISHER_DATABASE_URL"])
    factory = make_session_factory(engine)
    notice_id = int(os.environ["BENCH_NOTICE_ID"])
    app = FastAPI()

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.post("/applications", status_code=201)
    def post(body: _MinimalIn) -> dict[str, str]:
        code = new_receipt_code("CH")
        with factory() as session:
            begin_write(session)
            session.execute(
                insert(MeetingApplication).values(
                    notice_id=notice_id,
                    receipt_code=code,
                    applicant_name=body.applicant_name,
                    phone=body.phone,
                    category=body.category,
                    statement=body.statement,
                    status="pending",
                    review_note="",
                    created_at=now_utc(),
                )
            )
            session.commit()
        return {"receipt_code": code}

    return app


# ------------------------------------------------------------------------------- the data


def open_meeting_on(database_url: str) -> int:
    """Publish one scheduled meeting taking applications on a migrated database; its id.

    Dates come from the real clock, as the server reads it: published a day ago, held in 30
    days, applications open until it starts, so they stay open for any run."""
    engine = make_engine(database_url)
    now = now_utc()
    starts = now + dt.timedelta(days=30)
    with make_session_factory(engine)() as session:
        notice = MeetingNotice(
            kind="other",
            title="压力测试会议",
            starts_at=starts,
            ends_at=starts + dt.timedelta(hours=2),
            place="市政府第一会议室",
            agenda="研究学校周边停车管理",
            participation="在本页面申请列席",
            application_deadline=starts,
            capacity=CAPACITY,
            media_allowed=True,
            withheld=False,
            published_at=now - dt.timedelta(days=1),
            status="scheduled",
            sequence=0,
            created_by="bench",
        )
        session.add(notice)
        session.commit()
        notice_id = notice.id
    engine.dispose()
    return notice_id


def migrated(url: str) -> str:
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    return url


@contextmanager
def database(backend: str, tmp: Path) -> Iterator[str]:
    """A fresh migrated database: its URL."""
    if backend == "sqlite":
        yield migrated(f"sqlite:///{tmp / 'bench.sqlite3'}")
        return
    harness = start_postgres()
    harness.stop()
    server = DurablePostgres(harness.bindir, harness.datadir, harness.port, harness.run_as)
    server.start()
    try:
        yield migrated(server.url())
    finally:
        server.stop()


# ------------------------------------------------------------------------------- the load


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=100)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    args = parser.parse_args()
    if not have_wrk():
        print("wrk is needed: apt-get install wrk", file=sys.stderr)
        return 2
    if not 1 <= args.rounds <= BLOCKS // 4:
        parser.error(f"--rounds: 1 to {BLOCKS // 4} (the phone numbers of one database)")
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    failed = [measure(backend, args) for backend in backends]
    print("FAIL: errors" if any(failed) else "no errors")
    return 1 if any(failed) else 0


def measure(backend: str, args: argparse.Namespace) -> bool:
    """One backend's rounds and its table; True if the service answered any error."""
    results: dict[str, list[dict[str, float]]] = {}
    with (
        TemporaryDirectory(prefix="bench-applications-") as tmp,
        database(backend, Path(tmp)) as url,
    ):
        # a meeting each, so the service's count of places taken holds only its own rows
        notice_id, peer_notice_id = open_meeting_on(url), open_meeting_on(url)
        env = server_env(Path(tmp) / "bench.sqlite3", Path(tmp) / "var")
        env.update(PUBLISHER_DATABASE_URL=url, BENCH_NOTICE_ID=str(peer_notice_id))
        intake = f"/api/v1/meetings/{notice_id}/applications"
        targets = [
            ("service", "publisher.web.app:create_app", intake),
            ("minimal", "bench.bench_applications:minimal_app", "/applications"),
        ]
        block = 0

        def load(url: str, seconds: int) -> dict[str, float]:
            """One wrk run with numbers no earlier run on this database used."""
            nonlocal block
            os.environ["BENCH_WRK_BLOCK"] = str(block)  # read by applications.lua's init
            block += 1
            return wrk(url, seconds, args.connections, script=str(SCRIPT))

        for _ in range(args.rounds):
            for name, spec, path in targets:
                with run_server(spec, env) as (base, _):
                    load(base + path, 1)  # warm-up
                    results.setdefault(name, []).append(load(base + path, args.seconds))
    failed = print_peers_table(
        f"durable application intake on {backend}, {args.connections} connections, "
        f"{args.rounds} rounds × {args.seconds} s; median (min–max)",
        f"application intake, {backend}",
        results,
        [name for name, _, _ in targets],
    )
    return failed


if __name__ == "__main__":
    sys.exit(main())
