"""Bench: our push against `ckanapi load datasets -p 2`, same 200 datasets, same real CKAN.

    .venv/bin/python bench/bench_ckan_push.py [--count 200] [--workers 2] [--rounds 3] [--keep]

Starts the harness (tests/harness/ckan/run-ckan.sh) itself and stops it at the end unless
--keep or it was already running. Each dataset has a CSV and a JSON file; both tools upload
them as files. ckanapi reads a JSON-lines file whose resources point at a local HTTP server (its
--upload-resources fetches and uploads them); our push reads the bytes from memory and records
hashes in SQLite (a fresh file each round, so each round is a first push).

``--rounds`` rounds (3 by default) of [our push, then at once our no-op re-push; ckanapi load],
which of the two tools goes first alternating (ours first in the first round: it creates the
organisation if CKAN lacks it). After each round the datasets both tools created are checked to
be in CKAN and purged (``dataset_purge`` with the harness's sysadmin token), so every round
pushes onto the same clean CKAN; bench datasets a previous run left behind are purged before
the first round. Medians (min–max) of the three times and the ratio ours / ckanapi (times:
lower is better) are printed and recorded.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ckanapi import NotFound, RemoteCKAN  # noqa: E402

from bench._results import record  # noqa: E402
from publisher.ckan.local import LocalDataset, LocalResource  # noqa: E402
from publisher.ckan.plan import PushOptions  # noqa: E402
from publisher.ckan.push import push  # noqa: E402
from publisher.storage.db import make_engine  # noqa: E402
from publisher.storage.migrate import upgrade  # noqa: E402

RUN_CKAN = ROOT / "tests" / "harness" / "ckan" / "run-ckan.sh"
ORG = "smx-bench-org"
#: the names this bench gives its datasets (this version's and the earlier one-round bench's)
BENCH = re.compile(r"^(ours|ckanapi)[0-9a-f]{6}(r\d+)?-bench-\d{4}$")


class QuietFiles(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def generate(count: int) -> list[LocalDataset]:
    out = []
    for i in range(count):
        rows = [f"{n},挂牌企业{i}-{n},三门峡市某区" for n in range(1, 41)]
        csv_data = ("序号,企业名称,所在地\n" + "\n".join(rows) + "\n").encode()
        json_data = json.dumps(
            [{"序号": n, "企业名称": f"挂牌企业{i}-{n}"} for n in range(1, 41)], ensure_ascii=False
        ).encode()
        out.append(
            LocalDataset(
                name=f"bench-{i:04d}",
                title=f"2018年度挂牌企业名单（{i}）",
                notes="三政办〔2018〕44号",
                tags=["挂牌企业", "三门峡"],
                license_id="cc-by",
                extras={"document_number": "三政办〔2018〕44号", "gazette_issue": "2019-02"},
                resources=[
                    LocalResource("list.csv", "CSV", csv_data, "CSV"),
                    LocalResource("list.json", "JSON", json_data, "JSON"),
                ],
            )
        )
    return out


def write_files(datasets: list[LocalDataset], folder: Path) -> None:
    """The resources' bytes, for the local HTTP server ckanapi fetches them from."""
    for d in datasets:
        for r in d.resources:
            (folder / f"{d.name}-{r.name}").write_bytes(r.data)


def ckanapi_jsonl(datasets: list[LocalDataset], prefix: str, files_url: str, path: Path) -> Path:
    with path.open("w", encoding="utf-8") as out:
        for d in datasets:
            resources = [
                {
                    "id": str(uuid.uuid4()),
                    "name": r.name,
                    "format": r.format,
                    "description": r.description,
                    "url": f"{files_url}/{d.name}-{r.name}",
                    "url_type": "upload",
                }
                for r in d.resources
            ]
            pkg = {
                "name": f"{prefix}{d.name}",
                "title": d.title,
                "notes": d.notes,
                "owner_org": ORG,
                "license_id": d.license_id,
                "tags": [{"name": t} for t in d.tags],
                "extras": [{"key": k, "value": v} for k, v in d.extras.items()],
                "resources": resources,
            }
            out.write(json.dumps(pkg, ensure_ascii=False) + "\n")
    return path


def purge(url: str, token: str, names: Sequence[str]) -> int:
    """``dataset_purge`` each name (four at a time); how many were there."""
    local = threading.local()

    def one(name: str) -> int:
        if not hasattr(local, "ckan"):
            local.ckan = RemoteCKAN(url, apikey=token)
        try:
            local.ckan.action.dataset_purge(id=name)
        except NotFound:
            return 0
        return 1

    with ThreadPoolExecutor(4) as pool:
        return sum(pool.map(one, names))


def present(url: str, token: str, names: Sequence[str]) -> int:
    """How many of `names` CKAN lists as active datasets."""
    listed = set(RemoteCKAN(url, apikey=token).action.package_list())
    return len(listed.intersection(names))


def spread(values: Sequence[float]) -> str:
    def seconds(value: float) -> str:
        return f"{value:.2f}" if value >= 1 else f"{value:.3f}"

    median = f"{seconds(statistics.median(values)):>7}"
    return f"{median} s ({seconds(min(values))}–{seconds(max(values))})"


@dataclass
class Rounds:
    """The rounds against one CKAN, and their times."""

    url: str
    token: str
    datasets: list[LocalDataset]
    workers: int
    folder: Path
    files_url: str
    run_id: str = field(default_factory=lambda: uuid.uuid4().hex[:6])
    ours: list[float] = field(default_factory=list)
    noop: list[float] = field(default_factory=list)
    theirs: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    def prefixes(self, round_: int) -> tuple[str, str]:
        return f"ours{self.run_id}r{round_}-", f"ckanapi{self.run_id}r{round_}-"

    def ours_then_noop(self, round_: int) -> str:
        """Our push onto a fresh SQLite state (a first push), then at once the no-op re-push."""
        engine = make_engine(f"sqlite:///{self.folder / f'push-{round_}.sqlite3'}")
        upgrade(engine)
        options = PushOptions(workers=self.workers, name_prefix=self.prefixes(round_)[0])
        times, summaries = [], []
        for _ in ("first", "no-op"):
            start = time.monotonic()
            result = push(
                engine, self.datasets, ckan_url=self.url, api_token=self.token,
                organization=ORG, options=options,
            )  # fmt: skip
            times.append(time.monotonic() - start)
            assert result.summary is not None
            summaries.append(result.summary.render())
            if result.summary.failed:
                self.failures.append(f"round {round_}, our push: {summaries[-1]}")
        engine.dispose()
        self.ours.append(times[0])
        self.noop.append(times[1])
        return f"ours {times[0]:6.2f} s [{summaries[0]}]; no-op {times[1]:5.3f} s [{summaries[1]}]"

    def ckanapi_load(self, round_: int) -> str:
        jsonl = ckanapi_jsonl(
            self.datasets, self.prefixes(round_)[1], self.files_url,
            self.folder / f"round-{round_}.jsonl",
        )  # fmt: skip
        ckanapi_bin = Path(sys.executable).with_name("ckanapi")
        start = time.monotonic()
        proc = subprocess.run(
            [
                str(ckanapi_bin), "load", "datasets", "--upload-resources", "-I", str(jsonl),
                "-p", "2", "-q", "-r", self.url, "-a", self.token,
            ],
            capture_output=True, text=True,
            # ckanapi -p starts its workers as `ckanapi` found on PATH
            env={**os.environ, "PATH": f"{ckanapi_bin.parent}:{os.environ.get('PATH', '')}"},
        )  # fmt: skip
        took = time.monotonic() - start
        self.theirs.append(took)
        if proc.returncode != 0:
            self.failures.append(f"round {round_}, ckanapi: exit {proc.returncode}")
            self.failures.append(proc.stderr[-300:])
        return f"ckanapi {took:6.2f} s [exit {proc.returncode}]"

    def run(self, round_: int) -> None:
        """One round (ours first in odd rounds), its check, and the purge of what it made."""
        steps = [self.ours_then_noop, self.ckanapi_load]
        lines = [step(round_) for step in (steps if round_ % 2 else steps[::-1])]
        order = "ours first" if round_ % 2 else "ckanapi first"
        print(f"round {round_} ({order}): " + "; ".join(lines), flush=True)
        created = [f"{prefix}{d.name}" for prefix in self.prefixes(round_) for d in self.datasets]
        for prefix in self.prefixes(round_):
            found = present(self.url, self.token, [n for n in created if n.startswith(prefix)])
            if found != len(self.datasets):
                self.failures.append(f"round {round_}: {prefix}*: {found} of {len(self.datasets)}")
        start = time.monotonic()
        purged = purge(self.url, self.token, created)
        print(f"  purged {purged} datasets in {time.monotonic() - start:.1f} s", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="leave the harness running")
    args = parser.parse_args()

    status = subprocess.run([str(RUN_CKAN), "status"], capture_output=True, text=True).stdout
    was_running = "ckan: running" in status
    t0 = time.monotonic()
    started = subprocess.run([str(RUN_CKAN), "start"], capture_output=True, text=True)
    if started.returncode != 0:
        print(f"the CKAN harness did not start:\n{started.stderr[-2000:]}", file=sys.stderr)
        return 2
    env_file = started.stdout.split()[-1]
    env = dict(line.split("=", 1) for line in Path(env_file).read_text().splitlines())
    print(f"harness up in {time.monotonic() - t0:.1f} s at {env['CKAN_URL']}")
    url, token = env["CKAN_URL"], env["CKAN_API_TOKEN"]
    try:
        leftovers = [
            n for n in RemoteCKAN(url, apikey=token).action.package_list() if BENCH.match(n)
        ]
        if leftovers:
            print(f"purged {purge(url, token, leftovers)} bench datasets left by earlier runs")
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            datasets = generate(args.count)
            (folder / "files").mkdir()
            write_files(datasets, folder / "files")
            handler = functools.partial(QuietFiles, directory=str(folder / "files"))
            server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
            threading.Thread(target=server.serve_forever, daemon=True).start()
            files_url = f"http://127.0.0.1:{server.server_address[1]}"
            rounds = Rounds(url, token, datasets, args.workers, folder, files_url)
            print(
                f"datasets: {args.count} (2 uploaded files each), our workers: {args.workers}, "
                f"ckanapi -p 2; {args.rounds} rounds"
            )
            try:
                for round_ in range(1, args.rounds + 1):
                    rounds.run(round_)
            finally:
                server.shutdown()
    finally:
        if not args.keep and not was_running:
            subprocess.run([str(RUN_CKAN), "stop"], check=False, capture_output=True)

    print(f"\n{args.rounds} rounds, median (min–max):")
    print(f"our push, first:             {spread(rounds.ours)}")
    print(f"our push, no-op re-push:     {spread(rounds.noop)}")
    print(f"ckanapi load datasets -p 2:  {spread(rounds.theirs)}")
    ratio = statistics.median(rounds.ours) / statistics.median(rounds.theirs)
    print(f"ours / ckanapi: {ratio:.2f} (time: lower is better)")
    record("CKAN push", rounds.ours, rounds.theirs, "s", lower_is_better=True,
           peer_name="ckanapi load")  # fmt: skip
    record("CKAN no-op re-push", rounds.noop, None, "s", lower_is_better=True)
    for failure in rounds.failures:
        print(f"FAIL: {failure}")
    return 1 if rounds.failures else 0


if __name__ == "__main__":
    sys.exit(main())
