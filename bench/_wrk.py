"""`wrk` (Debian's C load generator) driven from the benchmarks, and their one table format."""

from __future__ import annotations

import re
import shutil
import statistics
import subprocess
from collections.abc import Sequence

from bench._results import record

_SCALE = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def have_wrk() -> bool:
    return shutil.which("wrk") is not None


def wrk(
    url: str,
    seconds: int,
    connections: int,
    headers: Sequence[str] = (),
    script: str | None = None,
) -> dict[str, float]:
    """Requests per second, p99 latency (ms) and errors (non-2xx/3xx and socket errors);
    `script`: a Lua file shaping each request (bench/wrk/)."""
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "10s"]
    for header in headers:
        command += ["-H", header]
    if script is not None:
        command += ["-s", script]
    out = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return {
        "rate": rate,
        "p99_ms": float(p99.group(1)) * _SCALE[p99.group(2)] if p99 else float("nan"),
        "errors": (int(non2xx.group(1)) if non2xx else 0)
        + (sum(int(x) for x in errors.groups()) if errors else 0),
    }


def print_table(
    rows: Sequence[str], results: dict[tuple[str, str], list[dict[str, float]]]
) -> bool:
    """One line per row: service and peer medians (min–max), ratio, p99, errors; True if the
    service answered any request with an error."""
    print(
        f"{'case':<22} {'service req/s':>22} {'peer req/s':>22} {'ratio':>6} "
        f"{'p99 ms':>8} {'errors':>7}"
    )
    failed = False
    for row in rows:
        service = [r["rate"] for r in results[("service", row)]]
        peer = [r["rate"] for r in results[("peer", row)]]
        errors = sum(r["errors"] for r in results[("service", row)])
        p99 = statistics.median(r["p99_ms"] for r in results[("service", row)])
        ratio = statistics.median(service) / statistics.median(peer)
        print(
            f"{row:<22} {statistics.median(service):9.0f} ({min(service):.0f}–{max(service):.0f})"
            f" {statistics.median(peer):9.0f} ({min(peer):.0f}–{max(peer):.0f})"
            f" {ratio:6.2f} {p99:8.0f} {errors:7.0f}"
        )
        failed |= errors > 0
        record(row, service, peer, "req/s")
    return failed


def print_peers_table(
    title: str, what: str, results: dict[str, list[dict[str, float]]], names: Sequence[str]
) -> bool:
    """An intake bench's table: one line per target (the service first), medians (min–max),
    p99 and errors, then the service's ratio to each peer, recorded as `"{what}, vs {peer}"`;
    True if the service answered any error."""
    print(title)
    print(f"{'':<9} {'req/s':>24} {'p99 ms':>8} {'errors':>7}")
    failed = False
    for name in names:
        rates = [r["rate"] for r in results[name]]
        errors = sum(r["errors"] for r in results[name])
        p99 = statistics.median(r["p99_ms"] for r in results[name])
        spread = f"({min(rates):.0f}–{max(rates):.0f})"
        print(f"{name:<9} {statistics.median(rates):10.0f} {spread:>13} {p99:8.0f} {errors:7.0f}")
        failed |= name == "service" and errors > 0
    service = [r["rate"] for r in results["service"]]
    for name in names[1:]:
        peer = [r["rate"] for r in results[name]]
        print(f"service / {name}: {statistics.median(service) / statistics.median(peer):.2f}")
        record(f"{what}, vs {name}", service, peer, "req/s", peer_name=name)
    return failed
