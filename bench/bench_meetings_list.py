"""The public meetings list and a meeting page with 1,000 notices (issue #15: 0.3–0.9 req/s and
26–70 % HTTP 500 under 50 clients; 1,990 SQL statements per view), and an open consultation's
page (a draft of 30 articles with 300 comments on them: 112 req/s rendered per request), alone
and while a campaign posts comments to it.

Run: ``.venv/bin/python bench/bench_meetings_list.py`` (options: ``--notices``, ``--seconds``,
``--rounds``; needs Debian's ``wrk``).

The service runs as in production (uvicorn, a fresh SQLite file with ``--notices`` published
notices around today, each with an application and a change, and the consultation). The peer
is a bare FastAPI app returning the very bytes the service returned for the same path: the
floor for a Python endpoint on this machine. ``wrk`` drives 50 connections for ``--seconds``
per path, after a one-second warm-up; service and peer alternate, three rounds; medians,
spreads (min–max) and service/peer ratios are printed. In each service round, the
consultation's page is read again by 50 connections while 50 more post comments to it (every
comment changes the counts the page shows, so its kept copy is rebuilt one build at a time):
both rates are printed.
Target (issue #15): 0 errors and at least 0.5× the bare endpoint.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import threading
from pathlib import Path
from tempfile import TemporaryDirectory

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
from fastapi import FastAPI  # noqa: E402
from fastapi.responses import Response  # noqa: E402

from bench._meetings import plant_database  # noqa: E402
from bench._servers import open_consultation_on, run_server, server_env  # noqa: E402
from bench._wrk import have_wrk, print_table, wrk  # noqa: E402

CONSULTATION = "/consultations/1"
#: each request a new comment from its own address (bench/wrk/comments.lua)
COMMENTS_SCRIPT = ROOT / "bench" / "wrk" / "comments.lua"
PATHS = ("/meetings", "/meetings/1", CONSULTATION)
ARTICLES = 30
COMMENTS = 300
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

    @app.get("/consultations/{draft_id}")
    def consultation(draft_id: int) -> Response:
        return Response(bodies[CONSULTATION].encode(), media_type="text/html; charset=utf-8")

    return app


def during_campaign(base: str, seconds: int) -> tuple[dict[str, float], dict[str, float]]:
    """The consultation's page read while a campaign posts comments to it (each comment
    changes the counts the page shows): the page's and the comments' wrk results."""
    posting: dict[str, dict[str, float]] = {}
    intake = f"{base}/api/v1/consultations/1/comments"
    poster = threading.Thread(
        target=lambda: posting.update(
            result=wrk(intake, seconds, CONNECTIONS, script=str(COMMENTS_SCRIPT))
        )
    )
    poster.start()
    try:
        page = wrk(base + CONSULTATION, seconds, CONNECTIONS)
    finally:
        poster.join()
    return page, posting["result"]


def plant_consultation(db_path: Path, calendar_dir: Path) -> None:
    """Consultation 1, open now: `ARTICLES` articles, `COMMENTS` comments spread over them."""
    import datetime as dt

    from sqlalchemy import create_engine, insert

    from consultation.models import Comment

    url = f"sqlite:///{db_path}"
    text = "\n".join(
        f"第{n}条 为规范城区停车管理，第{n}项措施如下：公共停车场应当公示收费标准。"
        for n in range(1, ARTICLES + 1)
    )
    draft_id = open_consultation_on(url, calendar_dir, draft_text=text)
    assert f"/consultations/{draft_id}" == CONSULTATION
    now = dt.datetime.now(dt.UTC)
    rows = [
        {
            "draft_id": draft_id,
            "receipt_code": f"YJ-BENCH-{n:05d}",
            "channel": "web",
            "body": f"第{n}条意见：建议增设停车位。",
            "text_hash": f"bench-{n}",
            "submitted_at": now,
            "article_key": f"a{n % ARTICLES + 1}",
        }
        for n in range(COMMENTS)
    ]
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(insert(Comment), rows)
    engine.dispose()


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
    campaign: list[tuple[dict[str, float], dict[str, float]]] = []
    with TemporaryDirectory(prefix="bench-list-") as tmp:
        db_path = Path(tmp) / "bench.sqlite3"
        plant_database(db_path, args.notices)
        plant_consultation(db_path, Path(tmp) / "calendar")
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
                        wrk(base + path, 1, CONNECTIONS)  # warm-up: a first build is not load
                        results.setdefault((target, path), []).append(
                            wrk(base + path, args.seconds, CONNECTIONS)
                        )
                    if target == "service":
                        campaign.append(during_campaign(base, args.seconds))
    print(
        f"{args.notices} notices, {CONNECTIONS} connections, {args.rounds} rounds × "
        f"{args.seconds} s; median (min–max)"
    )
    failed = print_table(PATHS, results)
    pages, posted = ([run[i]["rate"] for run in campaign] for i in (0, 1))
    print(
        f"{CONSULTATION} read by {CONNECTIONS} connections while {CONNECTIONS} more post "
        f"comments (service only): page {statistics.median(pages):.0f} req/s "
        f"({min(pages):.0f}–{max(pages):.0f}), comments {statistics.median(posted):.0f} req/s "
        f"({min(posted):.0f}–{max(posted):.0f})"
    )
    failed |= any(run[i]["errors"] for run in campaign for i in (0, 1))
    print("FAIL: errors" if failed else "no errors")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
