"""CSV download throughput: our `/datasets/{name}.csv` beside Datasette serving the same table.

Run: ``.venv/bin/python bench/bench_csv_download.py`` (options: ``--rows``, ``--requests``,
``--clients``). Needs Datasette, a bench-only dependency: ``.venv/bin/pip install datasette``.

It generates one 100,000-row table (integer, text, Chinese text, number, date columns), writes
it both as a Data Package dataset (CSV + datapackage.json, as `publisher ingest` would) and as
a SQLite table, then starts, each in its own subprocess on 127.0.0.1:

* our app (uvicorn, ``publisher.web.app:create_app``) with ``PUBLISHER_DATASETS_DIR`` pointing
  at the generated package;
* ``datasette serve`` on the SQLite file; its full-table CSV is ``/db/rows.csv?_stream=on``.

An httpx AsyncClient fetches a bounded number of full downloads with a fixed number of
concurrent clients, ``Accept-Encoding: identity`` for both (Datasette does not compress), and
prints MB/s and requests/s. Ours is also measured with gzip and as a conditional 304. Client and
servers share the machine: compare the rows of one run, do not read them as capacity.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import datetime as dt
import hashlib
import io
import json
import os
import random
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script: `bench` is not an installed package

from bench._results import record  # noqa: E402

VENV_BIN = Path(sys.executable).parent
NAME = "bench-rows"
FIELDS = [
    ("id", "integer"),
    ("code", "string"),
    ("name", "string"),
    ("amount", "number"),
    ("day", "date"),
]
WORDS = ["三门峡", "湖滨区", "陕州区", "义马市", "灵宝市", "卢氏县", "渑池县", "文化馆", "有限公司"]


def generate_rows(count: int) -> list[tuple[int, str, str, float, str]]:
    rng = random.Random(20190211)
    start = dt.date(2018, 1, 1)
    return [
        (
            i,
            f"SMX-{i:06d}",
            "".join(rng.choice(WORDS) for _ in range(3)),
            round(rng.uniform(0, 100000), 2),
            (start + dt.timedelta(days=i % 730)).isoformat(),
        )
        for i in range(1, count + 1)
    ]


def write_package(folder: Path, rows: list[tuple[int, str, str, float, str]]) -> int:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([name for name, _ in FIELDS])
    writer.writerows(rows)
    data = buffer.getvalue().encode("utf-8")
    (folder / "data").mkdir(parents=True)
    (folder / "data" / f"{NAME}.csv").write_bytes(data)
    resource = {
        "name": NAME,
        "path": f"data/{NAME}.csv",
        "title": "基准测试数据",
        "description": "生成的基准测试数据。",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "bytes": len(data),
        "hash": "sha256:" + hashlib.sha256(data).hexdigest(),
        "licenses": [{"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/"}],
        "schema": {"fields": [{"name": n, "type": t} for n, t in FIELDS]},
        "gazetteIssues": ["2019-02"],
        "issued": "2019-02-11",
        "modified": "2019-02-11",
        "rowCount": len(rows),
    }
    package = {"name": "bench", "resources": [resource]}
    (folder / "datapackage.json").write_text(json.dumps(package, ensure_ascii=False))
    return len(data)


def write_sqlite(path: Path, rows: list[tuple[int, str, str, float, str]]) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute(
            "CREATE TABLE rows "
            "(id INTEGER PRIMARY KEY, code TEXT, name TEXT, amount REAL, day TEXT)"
        )
        conn.executemany("INSERT INTO rows VALUES (?, ?, ?, ?, ?)", rows)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_up(url: str, proc: subprocess.Popen[bytes], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}: {url}")
        try:
            if httpx.get(url, timeout=2.0).status_code < 500:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)  # polling a starting server, not a test
    raise RuntimeError(f"server did not start: {url}")


@dataclass
class Result:
    label: str
    requests: int
    seconds: float
    body_bytes: int
    statuses: set[int]

    def line(self) -> str:
        mb = self.body_bytes / 1_000_000
        return (
            f"{self.label:<34} {self.requests:>5} req  {self.seconds:7.2f} s  "
            f"{self.requests / self.seconds:8.1f} req/s  {mb / self.seconds:8.1f} MB/s  "
            f"status {sorted(self.statuses)}"
        )


async def drive(
    label: str, url: str, requests: int, clients: int, headers: dict[str, str]
) -> Result:
    queue: asyncio.Queue[int] = asyncio.Queue()
    for i in range(requests):
        queue.put_nowait(i)
    total = 0
    statuses: set[int] = set()

    async def worker(client: httpx.AsyncClient) -> None:
        nonlocal total
        while True:
            try:
                queue.get_nowait()
            except asyncio.QueueEmpty:
                return
            async with client.stream("GET", url, headers=headers) as response:
                async for chunk in response.aiter_raw():
                    total += len(chunk)
                statuses.add(response.status_code)

    limits = httpx.Limits(max_connections=clients)
    async with httpx.AsyncClient(timeout=120.0, limits=limits) as client:
        await client.get(url, headers=headers)  # warm-up: caches, connections
        began = time.perf_counter()
        await asyncio.gather(*(worker(client) for _ in range(clients)))
        elapsed = time.perf_counter() - began
    return Result(label, requests, elapsed, total, statuses)


def count_rows(url: str) -> int:
    body = httpx.get(url, timeout=120.0, headers={"Accept-Encoding": "identity"}).text
    return sum(1 for _ in csv.reader(io.StringIO(body))) - 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=20, help="full downloads per server")
    parser.add_argument("--clients", type=int, default=4, help="concurrent clients")
    args = parser.parse_args()
    datasette = VENV_BIN / "datasette"
    if not datasette.exists():
        sys.exit("datasette is not installed: .venv/bin/pip install datasette")

    work = Path(tempfile.mkdtemp(prefix="bench-csv-"))
    procs: list[subprocess.Popen[bytes]] = []
    try:
        rows = generate_rows(args.rows)
        size = write_package(work / "datasets", rows)
        write_sqlite(work / "db.sqlite3", rows)
        ours_port, ds_port = free_port(), free_port()
        env = {
            **os.environ,
            "PUBLISHER_DATASETS_DIR": str(work / "datasets"),
            "PUBLISHER_DATA_DIR": str(work / "var"),
            "PUBLISHER_ENVIRONMENT": "development",
        }
        quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
        procs.append(
            subprocess.Popen(
                [
                    str(VENV_BIN / "uvicorn"),
                    "--factory",
                    "publisher.web.app:create_app",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(ours_port),
                    "--no-access-log",
                    "--log-level",
                    "warning",
                ],
                cwd=ROOT,
                env=env,
                **quiet,
            )
        )
        procs.append(
            subprocess.Popen(
                [
                    str(datasette),
                    "serve",
                    str(work / "db.sqlite3"),
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(ds_port),
                    "--setting",
                    "max_csv_mb",
                    "0",
                ],
                cwd=work,
                **quiet,
            )
        )
        ours = f"http://127.0.0.1:{ours_port}/datasets/{NAME}.csv"
        theirs = f"http://127.0.0.1:{ds_port}/db/rows.csv?_stream=on&_size=max"
        wait_until_up(ours, procs[0])
        wait_until_up(f"http://127.0.0.1:{ds_port}/-/versions.json", procs[1])
        assert count_rows(ours) == args.rows, "our CSV does not hold every row"
        assert count_rows(theirs) == args.rows, "Datasette's CSV does not hold every row"
        etag = httpx.get(ours, headers={"Accept-Encoding": "identity"}).headers["etag"]
        version = httpx.get(f"http://127.0.0.1:{ds_port}/-/versions.json").json()

        identity = {"Accept-Encoding": "identity"}
        results = [
            asyncio.run(
                drive("ours  /datasets/x.csv", ours, args.requests, args.clients, identity)
            ),
            asyncio.run(
                drive(
                    "datasette /db/rows.csv?_stream=on",
                    theirs,
                    args.requests,
                    args.clients,
                    identity,
                )
            ),
            asyncio.run(
                drive(
                    "ours  gzip (wire bytes)",
                    ours,
                    args.requests,
                    args.clients,
                    {"Accept-Encoding": "gzip"},
                )
            ),
            asyncio.run(
                drive(
                    "ours  304 (If-None-Match)",
                    ours,
                    args.requests * 10,
                    args.clients,
                    {"If-None-Match": etag, "Accept-Encoding": "identity"},
                )
            ),
        ]
        print(
            f"CSV of {args.rows:,} rows, {size / 1_000_000:.1f} MB; {args.requests} downloads, "
            f"{args.clients} concurrent clients; Python {sys.version.split()[0]}, "
            f"Datasette {version['datasette']['version']}"
        )
        for result in results:
            print(result.line())
        ours_rate, theirs_rate = (r.requests / r.seconds for r in results[:2])
        record("CSV download", ours_rate, theirs_rate, "req/s", peer_name="Datasette")
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
