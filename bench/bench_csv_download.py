"""CSV download throughput with `wrk`: our `/datasets/{name}.csv` beside a raw ASGI app serving
the same bytes, and beside Datasette serving the same table.

Run: ``.venv/bin/python bench/bench_csv_download.py`` (options: ``--rows``, ``--seconds``,
``--rounds``, ``--connections``; needs Debian's ``wrk``). Datasette is a bench-only dependency
(``.venv/bin/pip install datasette``); without it the Datasette rows are skipped, and said so.

It generates one table of ``--rows`` rows (100,000 by default: integer, text, Chinese text,
number, date columns) and writes it both as a Data Package dataset (CSV + datapackage.json, as
`publisher ingest` would) and as a SQLite table. Each target runs in its own subprocess on
127.0.0.1, started afresh every round:

* ``service``: the real app (uvicorn, ``publisher.web.app:create_app``, production settings,
  ``PUBLISHER_DATASETS_DIR`` at the generated package), ``/datasets/bench-rows.csv``;
* ``raw-asgi``: an ASGI app with no framework (uvicorn) answering with the very bytes and headers
  the service answered, fetched from it once: the identity body, the gzip body, each with its
  ETag, and 304 when ``If-None-Match`` names the current ETag. The limit for serving this
  download from Python here, and the peer of the ratio;
* ``datasette``: ``datasette serve`` on the SQLite file, ``/db/rows.csv?_stream=on&_size=max``
  (identity only: it neither compresses nor answers 304).

Cases: ``identity`` (``Accept-Encoding: identity``), ``gzip`` (``Accept-Encoding: gzip``,
compressed bytes on the wire) and ``304`` (``If-None-Match`` with the identity ETag). ``wrk``
drives ``--connections`` connections (4 by default: a full download is several MB) for
``--seconds`` per case, after one download and a one-second warm-up. Datasette's runs last
at least twenty of its single downloads (about 30 s at 100,000 rows): wrk counts only the
downloads finished in its window, and a few-second window would hold a handful. The targets
alternate (order reversed every other round) for ``--rounds`` rounds; medians, spreads
(min–max), p99 and the service's ratio to each peer are printed. Before the rounds, the
service's and Datasette's CSVs are checked to hold every row and the raw app to serve the
service's bytes. Client and servers share the machine's two cores: compare the rows of one
run, do not read them as capacity.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import gzip
import hashlib
import io
import json
import math
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # run as a script: `bench` is not an installed package

import httpx  # noqa: E402

from bench._servers import free_port, lifespan, run_server, server_env, started  # noqa: E402
from bench._wrk import have_wrk, print_peers_table, wrk  # noqa: E402
from publisher.storage.db import make_engine  # noqa: E402
from publisher.storage.migrate import upgrade  # noqa: E402

VENV_BIN = Path(sys.executable).parent
NAME = "bench-rows"
PATH = f"/datasets/{NAME}.csv"
DATASETTE_PATH = "/db/rows.csv?_stream=on&_size=max"
FIELDS = [
    ("id", "integer"),
    ("code", "string"),
    ("name", "string"),
    ("amount", "number"),
    ("day", "date"),
]
WORDS = ["三门峡", "湖滨区", "陕州区", "义马市", "灵宝市", "卢氏县", "渑池县", "文化馆", "有限公司"]
Row = tuple[int, str, str, float, str]

# -------------------------------------------------------------------------------- the data


def generate_rows(count: int) -> list[Row]:
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


def write_package(folder: Path, rows: list[Row]) -> int:
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


def write_sqlite(path: Path, rows: list[Row]) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute(
            "CREATE TABLE rows "
            "(id INTEGER PRIMARY KEY, code TEXT, name TEXT, amount REAL, day TEXT)"
        )
        conn.executemany("INSERT INTO rows VALUES (?, ?, ?, ?, ?)", rows)


# ------------------------------------------------------------------------ the raw ASGI peer

#: what the raw app answers, fetched from the service: (encoding, conditional) -> answer
ANSWERS = {
    "identity": {"Accept-Encoding": "identity"},
    "gzip": {"Accept-Encoding": "gzip"},
    "identity-304": {"Accept-Encoding": "identity"},
    "gzip-304": {"Accept-Encoding": "gzip"},
}
#: headers uvicorn adds to every answer itself
SERVER_HEADERS = {"date", "server"}


def fetch_answers(base: str, folder: Path) -> dict[str, Any]:
    """The service's answers, raw (gzip bytes as sent), into ``folder``: bodies as files and
    ``answers.json`` with each answer's status and headers."""
    answers: dict[str, Any] = {}
    with httpx.Client(base_url=base, timeout=120) as client:
        for key, headers in ANSWERS.items():
            if key.endswith("-304"):
                headers = {**headers, "If-None-Match": answers[key[:-4]]["etag"]}
            with client.stream("GET", PATH, headers=headers) as response:
                body = b"".join(response.iter_raw())
            expected = 304 if key.endswith("-304") else 200
            assert response.status_code == expected, (key, response.status_code)
            (folder / f"{key}.body").write_bytes(body)
            answers[key] = {
                "status": response.status_code,
                "etag": response.headers["etag"],
                "headers": [
                    [name, value]
                    for name, value in response.headers.multi_items()
                    if name.lower() not in SERVER_HEADERS
                ],
            }
    assert answers["gzip"]["etag"] != answers["identity"]["etag"]
    identity = (folder / "identity.body").read_bytes()
    assert gzip.decompress((folder / "gzip.body").read_bytes()) == identity
    (folder / "answers.json").write_text(json.dumps(answers), encoding="utf-8")
    return answers


class RawDownload:
    """ASGI, no framework: the service's answers replayed. ``Accept-Encoding`` naming gzip picks
    the gzip body, and ``If-None-Match`` equal to the chosen body's ETag the 304."""

    def __init__(self, folder: Path) -> None:
        answers = json.loads((folder / "answers.json").read_text(encoding="utf-8"))
        self.answers: dict[str, tuple[bytes, int, list[tuple[bytes, bytes]], bytes]] = {
            key: (
                answer["etag"].encode("latin-1"),
                answer["status"],
                [(n.lower().encode("latin-1"), v.encode("latin-1")) for n, v in answer["headers"]],
                (folder / f"{key}.body").read_bytes(),
            )
            for key, answer in answers.items()
        }

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            await lifespan(receive, send)
            return
        if scope["path"] == "/healthz":
            headers = [(b"content-type", b"application/json")]
            await send({"type": "http.response.start", "status": 200, "headers": headers})
            await send({"type": "http.response.body", "body": b'{"status":"ok"}'})
            return
        accept = if_none_match = b""
        for name, value in scope["headers"]:
            if name == b"accept-encoding":
                accept = value
            elif name == b"if-none-match":
                if_none_match = value
        key = "gzip" if b"gzip" in accept else "identity"
        if if_none_match == self.answers[key][0]:
            key += "-304"
        _, status, headers, body = self.answers[key]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})


def raw_app() -> RawDownload:
    return RawDownload(Path(os.environ["BENCH_ANSWERS"]))


# ------------------------------------------------------------------------------- Datasette


@contextmanager
def run_datasette(db_path: Path, log_path: Path) -> Iterator[str]:
    """``datasette serve`` in a subprocess, no limit on CSV size; yields its base URL."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with log_path.open("ab") as log:
        proc = subprocess.Popen(
            [
                str(VENV_BIN / "datasette"),
                "serve",
                str(db_path),
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--setting",
                "max_csv_mb",
                "0",
            ],
            cwd=db_path.parent,
            stdout=log,
            stderr=log,
        )
        with started(proc, f"{base}/-/versions.json", f"datasette (see {log_path})", 60):
            yield base


# ------------------------------------------------------------------------------- the load


def count_rows(url: str) -> int:
    body = httpx.get(url, timeout=120, headers={"Accept-Encoding": "identity"}).text
    return sum(1 for _ in csv.reader(io.StringIO(body))) - 1


def measure(
    base: str,
    path: str,
    cases: Sequence[tuple[str, list[str]]],
    seconds: int,
    args: argparse.Namespace,
    out: dict[str, dict[str, list[dict[str, float]]]],
    target: str,
) -> None:
    """Each case: one full download (builds what the target caches), a one-second `wrk`
    warm-up but for Datasette (whose downloads outlast it), then `seconds` of `wrk`."""
    for case, headers in cases:
        fields = dict(header.split(": ", 1) for header in headers)
        status = httpx.get(base + path, headers=fields, timeout=120).status_code
        assert status in (200, 304), f"{target} {case}: {status}"
        if target != "datasette":
            wrk(base + path, 1, args.connections, headers)
        out.setdefault(case, {}).setdefault(target, []).append(
            wrk(base + path, seconds, args.connections, headers)
        )


def describe(rates: list[float], body: int) -> str:
    """Median req/s (min–max) unrounded for the slow, and the median body MB/s."""

    def number(value: float) -> str:
        return f"{value:.0f}" if value >= 100 else f"{value:.3g}"

    median = statistics.median(rates)
    text = f"{number(median)} req/s ({number(min(rates))}–{number(max(rates))})"
    return text + (f" = {number(median * body / 1e6)} MB/s" if body else "")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seconds", type=int, default=5, help="per case and target, per round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=4)
    args = parser.parse_args()
    if not have_wrk():
        print("wrk is needed: apt-get install wrk", file=sys.stderr)
        return 2
    datasette = (VENV_BIN / "datasette").exists()
    if not datasette:
        print(
            "datasette is not installed (.venv/bin/pip install datasette): "
            "the Datasette rows are skipped"
        )

    results: dict[str, dict[str, list[dict[str, float]]]] = {}
    with TemporaryDirectory(prefix="bench-csv-") as tmp:
        work = Path(tmp)
        rows = generate_rows(args.rows)
        size = write_package(work / "datasets", rows)
        write_sqlite(work / "db.sqlite3", rows)
        db_path = work / "bench.sqlite3"
        engine = make_engine(f"sqlite:///{db_path}")
        upgrade(engine)
        engine.dispose()
        env = server_env(db_path, work / "var", environment="production")
        env["PUBLISHER_DATASETS_DIR"] = str(work / "datasets")
        answers_dir = work / "answers"
        answers_dir.mkdir()
        log = work / "servers.log"

        # the checks, and the service's answers for the raw app
        with run_server("publisher.web.app:create_app", env, log_path=log) as (base, _):
            assert count_rows(base + PATH) == args.rows, "our CSV does not hold every row"
            answers = fetch_answers(base, answers_dir)
        raw_env = {**env, "BENCH_ANSWERS": str(answers_dir)}
        with run_server("bench.bench_csv_download:raw_app", raw_env, log_path=log) as (base, _):
            assert answers == fetch_answers(base, work), "the raw app answers otherwise"
            for key in ANSWERS:
                body = (answers_dir / f"{key}.body").read_bytes()
                assert (work / f"{key}.body").read_bytes() == body, f"raw app: {key} differs"
        gzip_size = (answers_dir / "gzip.body").stat().st_size
        version = "not installed"
        datasette_seconds = args.seconds
        if datasette:
            with run_datasette(work / "db.sqlite3", log) as base:
                began = time.monotonic()
                assert count_rows(base + DATASETTE_PATH) == args.rows, (
                    "Datasette's CSV does not hold every row"
                )
                # wrk counts the downloads finished in its window: make it hold many of them
                datasette_seconds = max(args.seconds, math.ceil(20 * (time.monotonic() - began)))
                version = httpx.get(f"{base}/-/versions.json").json()["datasette"]["version"]

        identity = ["Accept-Encoding: identity"]
        cases = [
            ("identity", identity),
            ("gzip", ["Accept-Encoding: gzip"]),
            ("304", [*identity, f"If-None-Match: {answers['identity']['etag']}"]),
        ]
        targets = ["service", "raw-asgi", *(["datasette"] if datasette else [])]
        for round_ in range(args.rounds):
            for target in targets if round_ % 2 == 0 else targets[::-1]:
                if target == "datasette":
                    with run_datasette(work / "db.sqlite3", log) as base:
                        measure(
                            base,
                            DATASETTE_PATH,
                            cases[:1],
                            datasette_seconds,
                            args,
                            results,
                            target,
                        )
                    continue
                spec, target_env = (
                    ("publisher.web.app:create_app", env)
                    if target == "service"
                    else ("bench.bench_csv_download:raw_app", raw_env)
                )
                with run_server(spec, target_env, log_path=log) as (base, _):
                    measure(base, PATH, cases, args.seconds, args, results, target)

    print(
        f"CSV of {args.rows:,} rows: {size / 1e6:.2f} MB, gzip {gzip_size / 1e6:.2f} MB; "
        f"wrk {args.connections} connections, {args.rounds} rounds × {args.seconds} s; "
        f"Python {sys.version.split()[0]}, Datasette {version}"
        + (f" ({datasette_seconds} s per run)" if datasette else "")
        + "; median (min–max)"
    )
    failed = False
    for case, _ in cases:
        names = [t for t in targets if t in results[case]]
        print()
        failed |= print_peers_table(
            f"{case}: {PATH}"
            + (f" vs Datasette {DATASETTE_PATH}" if case == "identity" and datasette else ""),
            f"CSV {args.rows:,} rows, {case}",
            results[case],
            names,
        )
        body_bytes = {"identity": size, "gzip": gzip_size}.get(case, 0)
        print(
            "precisely: "
            + ", ".join(
                f"{name} {describe([r['rate'] for r in results[case][name]], body_bytes)}"
                for name in names
            )
        )
    print()
    print("FAIL: errors" if failed else "no errors")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
