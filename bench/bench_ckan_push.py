"""Bench: our push against `ckanapi load datasets -p 2`, same 200 datasets, same real CKAN.

    .venv/bin/python bench/bench_ckan_push.py [--count 200] [--workers 2] [--keep]

Starts the harness (tests/harness/ckan/run-ckan.sh) itself and stops it at the end unless
--keep. Each dataset has a CSV and a JSON file; both tools upload them as files. ckanapi reads
a JSON-lines file whose resources point at a local HTTP server (its --upload-resources fetches
and uploads them); our push reads the bytes from memory and records hashes in SQLite. Names
get a fresh prefix per run so the two tools never touch each other's datasets.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench._results import record  # noqa: E402
from publisher.ckan.local import LocalDataset, LocalResource  # noqa: E402
from publisher.ckan.plan import PushOptions  # noqa: E402
from publisher.ckan.push import push  # noqa: E402
from publisher.storage.db import make_engine  # noqa: E402
from publisher.storage.migrate import upgrade  # noqa: E402

RUN_CKAN = ROOT / "tests" / "harness" / "ckan" / "run-ckan.sh"
ORG = "smx-bench-org"


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


def ckanapi_jsonl(datasets: list[LocalDataset], prefix: str, files_url: str, folder: Path) -> Path:
    path = folder / "datasets.jsonl"
    with path.open("w", encoding="utf-8") as out:
        for d in datasets:
            resources = []
            for r in d.resources:
                filename = f"{d.name}-{r.name}"
                (folder / filename).write_bytes(r.data)
                resources.append(
                    {
                        "id": str(uuid.uuid4()),
                        "name": r.name,
                        "format": r.format,
                        "description": r.description,
                        "url": f"{files_url}/{filename}",
                        "url_type": "upload",
                    }
                )
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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--keep", action="store_true", help="leave the harness running")
    args = parser.parse_args()

    t0 = time.monotonic()
    env_file = subprocess.run(
        [str(RUN_CKAN), "start"], check=True, capture_output=True, text=True
    ).stdout.split()[-1]
    env = dict(line.split("=", 1) for line in Path(env_file).read_text().splitlines())
    print(f"harness up in {time.monotonic() - t0:.1f} s at {env['CKAN_URL']}")
    url, token = env["CKAN_URL"], env["CKAN_API_TOKEN"]
    datasets = generate(args.count)
    run_id = uuid.uuid4().hex[:6]
    try:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            engine = make_engine(f"sqlite:///{folder / 'bench.sqlite3'}")
            upgrade(engine)
            options = PushOptions(workers=args.workers, name_prefix=f"ours{run_id}-")

            def timed_push() -> tuple[float, str]:
                start = time.monotonic()
                result = push(
                    engine, datasets, ckan_url=url, api_token=token, organization=ORG,
                    options=options,
                )  # fmt: skip
                assert result.summary is not None
                return time.monotonic() - start, result.summary.render()

            ours, ours_summary = timed_push()
            noop, noop_summary = timed_push()

            files = folder / "files"
            files.mkdir()
            handler = functools.partial(QuietFiles, directory=str(files))
            server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
            threading.Thread(target=server.serve_forever, daemon=True).start()
            files_url = f"http://127.0.0.1:{server.server_address[1]}"
            jsonl = ckanapi_jsonl(datasets, f"ckanapi{run_id}-", files_url, files)
            ckanapi_bin = Path(sys.executable).with_name("ckanapi")
            start = time.monotonic()
            proc = subprocess.run(
                [
                    str(ckanapi_bin), "load", "datasets", "--upload-resources", "-I", str(jsonl),
                    "-p", "2", "-q", "-r", url, "-a", token,
                ],
                capture_output=True, text=True,
                # ckanapi -p starts its workers as `ckanapi` found on PATH
                env={**os.environ, "PATH": f"{ckanapi_bin.parent}:{os.environ.get('PATH', '')}"},
            )  # fmt: skip
            theirs = time.monotonic() - start
            server.shutdown()
            engine.dispose()
        print(f"datasets: {args.count} (2 uploaded files each), our workers: {args.workers}")
        print(f"our push, first:                 {ours:7.2f} s   [{ours_summary}]")
        print(f"our push, no-op re-push:         {noop:7.2f} s   [{noop_summary}]")
        status = "ok" if proc.returncode == 0 else f"exit {proc.returncode}: {proc.stderr[-300:]}"
        print(f"ckanapi load datasets -p 2:      {theirs:7.2f} s   [{status}]")
        record("CKAN push", ours, theirs, "s", lower_is_better=True, peer_name="ckanapi load")
        record("CKAN no-op re-push", noop, None, "s", lower_is_better=True)
    finally:
        if not args.keep:
            subprocess.run([str(RUN_CKAN), "stop"], check=False, capture_output=True)


if __name__ == "__main__":
    main()
