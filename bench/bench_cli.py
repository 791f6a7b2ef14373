"""Start-up time of the `publisher` command (issue #15: it took 2.2 s for any command).

Run: ``.venv/bin/python bench/bench_cli.py`` (options: ``--runs``, ``--rounds``).

Each command is started ``--runs`` times per round; the peer is a minimal Typer app with one
command, started the same way (the floor: Python, typer and click). Service and peer alternate,
three rounds; medians, spreads (min–max over the rounds' medians) and service/peer ratios are
printed. Target: under 0.5 s for ``--help`` and ``calendar is-workday``.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script: `bench` is not an installed package

from bench._results import record  # noqa: E402

PUBLISHER = [sys.executable, "-m", "publisher.cli"]
PEER = """
import typer
app = typer.Typer()
@app.command()
def is_workday(date: str) -> None:
    print(date)
@app.command()
def other() -> None:
    pass
app()
"""
COMMANDS = {
    "--help": (["--help"], ["--help"]),
    "calendar is-workday": (["calendar", "is-workday", "2026-10-10"], ["is-workday", "x"]),
}
TARGET_S = 0.5


def _time(argv: list[str], runs: int) -> float:
    """Median wall time of `runs` starts, in seconds."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(argv, cwd=ROOT, capture_output=True, check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    results: dict[str, dict[str, list[float]]] = {
        name: {"service": [], "peer": []} for name in COMMANDS
    }
    for _ in range(args.rounds):
        for name, (service_args, peer_args) in COMMANDS.items():
            results[name]["service"].append(_time([*PUBLISHER, *service_args], args.runs))
            results[name]["peer"].append(_time([sys.executable, "-c", PEER, *peer_args], args.runs))
    print(f"median (min–max) of {args.rounds} rounds × {args.runs} starts, seconds")
    print(f"{'command':<22} {'service':>20} {'peer':>20} {'ratio':>7}")
    failed = False
    for name, got in results.items():
        service, peer = got["service"], got["peer"]
        ratio = statistics.median(service) / statistics.median(peer)
        print(
            f"{name:<22} {statistics.median(service):8.3f} ({min(service):.3f}–{max(service):.3f})"
            f" {statistics.median(peer):8.3f} ({min(peer):.3f}–{max(peer):.3f}) {ratio:7.2f}"
        )
        failed |= statistics.median(service) >= TARGET_S
        record(name, service, peer, "s", lower_is_better=True, peer_name="minimal Typer app")
    print("FAIL" if failed else f"PASS every command starts in under {TARGET_S} s")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
