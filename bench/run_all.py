"""Every benchmark, one after the other, and one table of what they measured: the service
beside its peer (a bare or minimal app doing the same work, Datasette, `ckanapi load`…), with
medians, spreads and the ratio.

    .venv/bin/python bench/run_all.py [--quick] [--only feeds,cli] [--skip ckan_push]

Each bench also prints its own report (kept in the log folder printed at the end). `--quick`
shortens the runs (for a check that everything works, not for figures to quote). Benches that
need what is not installed (`wrk`, the `bench` extra for Datasette, the CKAN harness) say so
and are marked skipped; the others still run.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: name -> (full arguments, quick arguments); the order they run in
BENCHES: dict[str, tuple[list[str], list[str]]] = {
    "calendar": ([], []),
    "ingest": ([], ["10"]),
    "cli": ([], ["--runs", "3", "--rounds", "1"]),
    "meetings_list": ([], ["--seconds", "2", "--rounds", "1", "--notices", "200"]),
    "feeds": ([], ["--seconds", "2", "--rounds", "1", "--notices", "200"]),
    "comments": ([], ["--seconds", "2", "--rounds", "1"]),
    "applications": ([], ["--seconds", "2", "--rounds", "1"]),
    "freeze": ([], ["--seconds", "3", "--rounds", "1"]),
    "outbox": ([], ["--messages", "100"]),
    "csv_download": ([], ["--rows", "10000", "--seconds", "2", "--rounds", "1"]),
    "scaleout": ([], ["--seconds", "2"]),
    "ckan_push": ([], ["--count", "10"]),
}


def _ratio(row: dict[str, object]) -> str:
    service, peer = row["service"], row["peer"]
    if not isinstance(service, float) or not isinstance(peer, float) or peer == 0:
        return "—"
    return f"{service / peer:.2f}"


def _number(value: float) -> str:
    return f"{value:,.2f}" if value < 10 else f"{value:,.1f}" if value < 100 else f"{value:,.0f}"


def _figure(value: object, spread: object) -> str:
    """The median, and the range of the rounds when there were several."""
    if not isinstance(value, float):
        return "—"
    low, high = spread if isinstance(spread, list) else (value, value)
    shown = _number(value)
    return shown if low == high else f"{shown} ({_number(low)}–{_number(high)})"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="short runs: a check, not figures")
    parser.add_argument("--only", default="", help="comma-separated bench names")
    parser.add_argument("--skip", default="", help="comma-separated bench names")
    args = parser.parse_args()
    only = {n for n in args.only.split(",") if n}
    skip = {n for n in args.skip.split(",") if n}
    unknown = (only | skip) - set(BENCHES)
    if unknown:
        parser.error(f"unknown benches: {', '.join(sorted(unknown))} (known: {', '.join(BENCHES)})")
    logs = Path(tempfile.mkdtemp(prefix="bench-run-all-"))
    results = logs / "results.jsonl"
    outcome: dict[str, str] = {}
    for name, (full, quick) in BENCHES.items():
        if (only and name not in only) or name in skip:
            continue
        command = [sys.executable, str(ROOT / "bench" / f"bench_{name}.py")]
        command += quick if args.quick else full
        env = {**os.environ, "BENCH_RESULTS": str(results), "BENCH_NAME": name}
        started = time.monotonic()
        print(f"== {name}: {' '.join(command[1:])}", flush=True)
        with (logs / f"{name}.log").open("w", encoding="utf-8") as log:
            done = subprocess.run(
                command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, check=False
            )
        took = time.monotonic() - started
        tail = (logs / f"{name}.log").read_text(encoding="utf-8").strip().splitlines()[-1:]
        outcome[name] = f"exit {done.returncode} after {took:.0f} s" + (
            f": {tail[0][:100]}" if done.returncode else ""
        )
        print(f"   {outcome[name]}", flush=True)
    rows = (
        [json.loads(line) for line in results.read_text(encoding="utf-8").splitlines()]
        if (results.exists())
        else []
    )
    print()
    print(f"{'bench':<14} {'case':<44} {'service':>22} {'peer':>22} {'ratio':>6}  unit")
    for row in rows:
        better = "lower is better" if row["lower_is_better"] else "higher is better"
        peer = f" vs {row['peer_name']}" if row["peer_name"] else ""
        print(
            f"{row['bench']:<14} {row['case'][:44]:<44} "
            f"{_figure(row['service'], row['service_spread']):>22} "
            f"{_figure(row['peer'], row['peer_spread']):>22} {_ratio(row):>6}  "
            f"{row['unit']} ({better}){peer}"
        )
    failed = {name: text for name, text in outcome.items() if not text.startswith("exit 0")}
    for name, text in failed.items():
        print(f"{name}: {text}")
    print(f"\nreports of each bench: {logs}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
