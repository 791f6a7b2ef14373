"""Search latency with 100,000 documents on SQLite (FTS5) and PostgreSQL (tsvector) (issue #17).

Run: ``.venv/bin/python bench/bench_search.py`` (options: ``--docs``, ``--queries``,
``--seconds``, ``--skip-postgres``; the wrk run needs Debian's ``wrk``).

The documents are made of jieba's own dictionary words drawn by their corpus frequency (so
common words are common, as in real text): a title of 6 words, a body of 80, and every 50th
document cites a document number. They are written through the index's own writer
(`publisher.search.index.write`) with their words given, since segmenting 100,000 documents
would measure jieba, not the search; 300 more go through the whole path (jieba included) and
their rate is printed. Each query is then timed in process through `publisher.search.query.
search` (the API's own function: count, page of 20, snippets): common words, rare words, two
words, a document number typed loosely. PostgreSQL is the test harness's real server. Last,
``wrk`` drives ``/api/v1/search`` of a real ``uvicorn`` on the SQLite file for ``--seconds``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import random
import statistics
import sys
import time
from pathlib import Path
from tempfile import TemporaryDirectory
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import Engine  # noqa: E402

from bench._servers import run_server, server_env  # noqa: E402
from bench._wrk import have_wrk, wrk  # noqa: E402
from publisher.search import index, query, segment  # noqa: E402
from publisher.search.source import SearchDocument  # noqa: E402
from publisher.storage.db import make_engine, make_session_factory, write_unit  # noqa: E402
from publisher.storage.migrate import upgrade  # noqa: E402
from publisher.timeutil import now_utc  # noqa: E402
from publisher.wiring import search_sources  # noqa: E402

BATCH = 2000
Made = list[tuple[SearchDocument, list[str], list[str]]]
NUMBER = "三政办〔2018〕45号"


def vocabulary(rng: random.Random) -> tuple[list[str], list[int]]:
    """Dictionary words of 2–4 characters and their frequencies."""
    freq = segment.tokenizer().FREQ
    words = [w for w, f in freq.items() if f > 0 and 2 <= len(w) <= 4 and w.isalpha()]
    rng.shuffle(words)
    words = words[:60_000]
    return words, [freq[w] for w in words]


def documents(
    count: int, rng: random.Random, words: list[str], weights: list[int]
) -> list[tuple[SearchDocument, list[str], list[str]]]:
    today = dt.date.today()
    # cumulative weights once: `choices(words, weights)` sums all 60,000 weights on every
    # call, which made drawing 100,000 documents take longer than searching them
    cumulative = list(itertools.accumulate(weights))
    made = []
    for i in range(count):
        title = rng.choices(words, cum_weights=cumulative, k=6)
        body = rng.choices(words, cum_weights=cumulative, k=80)
        body_terms = list(body)
        if i % 50 == 0:
            body.append(f"（{NUMBER}）")
            body_terms += ["三政办", "2018", "45", "号", "政办2018年45号", "三政办2018年45号"]
        made.append(
            (
                SearchDocument(
                    key=f"bench-{i}",
                    title="".join(title),
                    url=f"/documents/bench-{i}",
                    text="".join(body),
                    date=today - dt.timedelta(days=rng.randrange(3650)),
                ),
                title,
                body_terms,
            )
        )
    return made


def load(engine: Engine, made: Made) -> float:
    started = time.perf_counter()
    factory = make_session_factory(engine)
    for start in range(0, len(made), BATCH):
        chunk = made[start : start + BATCH]
        with factory() as session, write_unit(session):
            index.write(
                session.connection(),
                "document",
                [d for d, _, _ in chunk],
                terms=[(t, b) for _, t, b in chunk],
            )
    return time.perf_counter() - started


def full_path_rate(
    engine: Engine, made: list[tuple[SearchDocument, list[str], list[str]]]
) -> float:
    """Documents per second through jieba and the writer (a separate kind, then removed)."""
    docs = [d for d, _, _ in made]
    started = time.perf_counter()
    with make_session_factory(engine)() as session, write_unit(session):
        index.write(session.connection(), "meeting", docs)
    rate = len(docs) / (time.perf_counter() - started)
    with make_session_factory(engine)() as session, write_unit(session):
        index.remove(session.connection(), "meeting", [d.key for d in docs])
    return rate


def queries(rng: random.Random, words: list[str], weights: list[int], count: int) -> list[str]:
    ranked = sorted(zip(words, weights, strict=True), key=lambda p: -p[1])
    common = [w for w, _ in ranked[:200]]
    rare = [w for w, _ in ranked[5000:20000]]
    mix = []
    for i in range(count):
        kind = i % 4
        if kind == 0:
            mix.append(rng.choice(common))
        elif kind == 1:
            mix.append(rng.choice(rare))
        elif kind == 2:
            mix.append(f"{rng.choice(common)} {rng.choice(rare)}")
        else:
            mix.append(rng.choice(["三政办2018 45号", "三政办[2018]45号", NUMBER]))
    return mix


def time_queries(engine: Engine, mix: list[str]) -> tuple[list[float], int]:
    sources = search_sources()
    now = now_utc()
    factory = make_session_factory(engine)
    found = 0
    timings = []
    with factory() as session:
        query.search(session, sources, mix[0], query.SearchFilter(), now, 0, 20)  # warm
        for q in mix:
            started = time.perf_counter()
            result = query.search(session, sources, q, query.SearchFilter(), now, 0, 20)
            timings.append((time.perf_counter() - started) * 1000)
            found += result.total > 0
            session.rollback()
    return timings, found


def report(name: str, timings: list[float], found: int, loaded: float, rate: float) -> None:
    ordered = sorted(timings)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    print(
        f"{name:<11} load {loaded:6.1f} s   jieba+write {rate:6.0f} docs/s   "
        f"query p50 {statistics.median(ordered):7.1f} ms  p99 {p99:7.1f} ms  "
        f"max {ordered[-1]:7.1f} ms  ({found}/{len(timings)} queries found something)",
        flush=True,
    )


def run(name: str, url: str, made: Made, mix: list[str]) -> Engine:
    engine = make_engine(url)
    upgrade(engine)
    loaded = load(engine, made)
    rate = full_path_rate(engine, made[:300])
    timings, found = time_queries(engine, mix)
    report(name, timings, found, loaded, rate)
    return engine


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=400)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--skip-postgres", action="store_true")
    args = parser.parse_args()
    rng = random.Random(17)
    words, weights = vocabulary(rng)
    made = documents(args.docs, rng, words, weights)
    mix = queries(rng, words, weights, args.queries)
    print(
        f"{args.docs} documents, {args.queries} queries (page of 20 with count and snippets)",
        flush=True,
    )
    with TemporaryDirectory(prefix="bench-search-") as tmp:
        db_path = Path(tmp) / "bench.sqlite3"
        run("SQLite", f"sqlite:///{db_path}", made, mix).dispose()
        if not args.skip_postgres:
            from tests.harness.postgres import start_postgres

            server = start_postgres()
            try:
                run("PostgreSQL", server.url(), made, mix).dispose()
            finally:
                server.stop()
        if have_wrk():
            env = server_env(db_path, Path(tmp) / "var", environment="production")
            with run_server("publisher.web.app:create_app", env) as (base, _):
                url = f"{base}/api/v1/search?q={quote(mix[0])}&per_page=20"
                result = wrk(url, args.seconds, 10)
            print(
                f"wrk /api/v1/search (SQLite, 10 connections, {args.seconds} s): "
                f"{result['rate']:.0f} req/s, p99 {result['p99_ms']:.0f} ms, "
                f"{result['errors']:.0f} errors"
            )
        else:
            print("wrk not installed: apt-get install wrk for the HTTP run")
    return 0


if __name__ == "__main__":
    sys.exit(main())
