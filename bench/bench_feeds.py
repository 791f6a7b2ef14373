"""Load benchmark of feed serving: `feed_response` + `FeedCache` against a bare endpoint.

Run: ``.venv/bin/python bench/bench_feeds.py`` (options: ``--requests``, ``--clients``,
``--seconds``). A uvicorn server runs in a subprocess (its own interpreter, so client and server
do not share a GIL) on 127.0.0.1; an httpx AsyncClient drives it with a fixed number of
concurrent clients. For each format with 1,000 items it measures, in the same run:

* ``bare``: a FastAPI endpoint returning the prebuilt bytes, the floor of what serving costs;
* ``feed 200``: the real path, cache lookup with a version token, then `feed_response`;
* ``feed 304``: the same path with ``If-None-Match``, the usual case for a polling reader.

The client shares the machine with the server, so the figures are a comparison within one run,
not a capacity estimate.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import socket
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
import uvicorn  # noqa: E402
from fastapi import FastAPI, Request, Response  # noqa: E402

from feeds.cache import BuiltFeed, FeedCache  # noqa: E402
from feeds.calendar import ICS_MEDIA_TYPE, build_calendar  # noqa: E402
from feeds.model import (  # noqa: E402
    CalendarEvent,
    FeedEntry,
    FeedInfo,
    entry_guid,
    event_uid,
)
from feeds.syndication import ATOM_MEDIA_TYPE, RSS_MEDIA_TYPE, build_atom, build_rss  # noqa: E402
from publisher.web.conditional import feed_response  # noqa: E402

SHANGHAI = ZoneInfo("Asia/Shanghai")
BASE = "https://www.smx.gov.cn"
ITEMS = 1000
FORMATS = ("rss", "atom", "ics")


def build_feeds() -> dict[str, BuiltFeed]:
    """Three feeds of 1,000 items each, built as the service would build them."""
    start = dt.datetime(2023, 12, 1, 9, 30, tzinfo=SHANGHAI)
    updated = start + dt.timedelta(days=ITEMS)
    info = FeedInfo(
        id=f"{BASE}/feeds/meetings",
        self_url=f"{BASE}/feeds/meetings.atom",
        title="三门峡市政府重大会议预告",
        subtitle="重大会议预公开",
        link=f"{BASE}/meetings",
        updated=updated,
    )
    entries = [
        FeedEntry(
            guid=entry_guid("meeting", i, 1),
            title=f"市政府第{i}次常务会议预告",
            link=f"{BASE}/meetings/{i}",
            published=start + dt.timedelta(days=i),
            updated=start + dt.timedelta(days=i),
            summary="会议时间、地点、主要内容及公众参与方式。",
            content=f"<p>议题：审议第{i}号决策草案；公众可于会前报名列席。</p>",
            content_is_html=True,
            categories=("常务会议",),
        )
        for i in range(ITEMS)
    ]
    events = [
        CalendarEvent(
            uid=event_uid("meeting", i),
            sequence=0,
            summary=f"市政府第{i}次常务会议",
            start=start + dt.timedelta(days=i),
            end=start + dt.timedelta(days=i, hours=2),
            created=start,
            last_modified=start,
            description="主要内容：审议决策草案。",
            location="市行政中心 3 楼第一会议室",
            url=f"{BASE}/meetings/{i}",
        )
        for i in range(ITEMS)
    ]
    return {
        "rss": BuiltFeed.from_body(build_rss(info, entries), RSS_MEDIA_TYPE, updated),
        "atom": BuiltFeed.from_body(build_atom(info, entries), ATOM_MEDIA_TYPE, updated),
        "ics": BuiltFeed.from_body(build_calendar("会议", events), ICS_MEDIA_TYPE, updated),
    }


def serve(port: int) -> None:
    """The server side, run in the subprocess."""
    prebuilt = build_feeds()
    cache = FeedCache()
    # stands in for the cheap "max(updated_at), count(*)" query of the real service
    version = ("2026-08-27T01:30:00Z", ITEMS)
    app = FastAPI()

    @app.get("/healthz")
    async def healthz() -> dict[str, bool]:
        return {"ok": True}

    @app.api_route("/feed/{fmt}", methods=["GET", "HEAD"])
    async def feed(fmt: str, request: Request) -> Response:
        built = cache.get(fmt, dict(request.query_params), version, lambda: prebuilt[fmt])
        return feed_response(request, built)

    @app.get("/bare/{fmt}")
    async def bare(fmt: str) -> Response:
        built = prebuilt[fmt]
        return Response(content=built.body, media_type=built.media_type)

    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


@dataclass
class Result:
    done: int
    seconds: float
    errors: int

    @property
    def rps(self) -> float:
        return self.done / self.seconds if self.seconds else 0.0


async def load(
    client: httpx.AsyncClient,
    url: str,
    headers: dict[str, str],
    expect_status: int,
    expect_len: int,
    total: int,
    clients: int,
    seconds: float,
) -> Result:
    """`clients` concurrent loops share a budget of `total` requests and a time limit."""
    remaining = total
    done = 0
    errors = 0
    deadline = time.perf_counter() + seconds

    async def worker() -> None:
        nonlocal remaining, done, errors
        while remaining > 0 and time.perf_counter() < deadline:
            remaining -= 1
            response = await client.get(url, headers=headers)
            if response.status_code != expect_status or len(response.content) != expect_len:
                errors += 1
            done += 1

    began = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(clients)))
    return Result(done=done, seconds=time.perf_counter() - began, errors=errors)


async def drive(port: int, total: int, clients: int, seconds: float, rounds: int) -> int:
    base = f"http://127.0.0.1:{port}"
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    timeout = httpx.Timeout(30.0)
    failures = 0
    # trust_env=False: a proxy from the environment must not sit between client and server
    async with httpx.AsyncClient(
        base_url=base, limits=limits, timeout=timeout, trust_env=False
    ) as client:
        for _ in range(200):  # wait for the server; it builds the feeds before listening
            try:
                if (await client.get("/healthz")).status_code == 200:
                    break
            except httpx.TransportError:
                await asyncio.sleep(0.1)
        else:
            raise SystemExit("the benchmark server did not start")
        print(
            f"{ITEMS} items per feed, {clients} concurrent clients, ≤{total} requests per "
            f"measurement, {rounds} interleaved rounds per row (median, min–max req/s)"
        )
        head = ("format", "endpoint", "KiB", "requests", "median", "min–max")
        print("{:<6} {:<10} {:>6} {:>9} {:>8} {:>13}  errors".format(*head))
        for fmt in FORMATS:
            full = await client.get(f"/feed/{fmt}")
            full.raise_for_status()
            etag = full.headers["etag"]
            size = len(full.content)
            rows = [
                ("bare", f"/bare/{fmt}", {}, 200, size),
                ("feed 200", f"/feed/{fmt}", {}, 200, size),
                ("feed 304", f"/feed/{fmt}", {"If-None-Match": etag}, 304, 0),
            ]
            for _, url, headers, status, length in rows:  # warm-up, not measured
                await load(client, url, headers, status, length, 200, clients, 5)
            # Rows alternate within each round so that a noisy neighbour hits all rows alike.
            results: dict[str, list[Result]] = {label: [] for label, *_ in rows}
            for _ in range(rounds):
                for label, url, headers, status, length in rows:
                    result = await load(
                        client, url, headers, status, length, total, clients, seconds
                    )
                    results[label].append(result)
            for label, *_ in rows:
                rates = sorted(r.rps for r in results[label])
                errors = sum(r.errors for r in results[label])
                failures += errors
                done = sum(r.done for r in results[label])
                spread = f"{rates[0]:.0f}–{rates[-1]:.0f}"
                print(
                    f"{fmt:<6} {label:<10} {size / 1024:>6.0f} {done:>9} "
                    f"{statistics.median(rates):>8.0f} {spread:>13}  {errors}"
                )
    return failures


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--requests", type=int, default=500, help="request budget per measurement")
    parser.add_argument("--rounds", type=int, default=3, help="measurements per row")
    parser.add_argument("--clients", type=int, default=100, help="concurrent clients")
    parser.add_argument("--seconds", type=float, default=10.0, help="time limit per measurement")
    parser.add_argument("--serve", type=int, metavar="PORT", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve)
        return 0
    port = free_port()
    server = subprocess.Popen([sys.executable, __file__, "--serve", str(port)], cwd=ROOT)
    try:
        failures = asyncio.run(drive(port, args.requests, args.clients, args.seconds, args.rounds))
    finally:
        server.terminate()
        server.wait(timeout=10)
    if failures:
        print(f"{failures} responses had the wrong status or length", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
