"""One row per figure, for `bench/run_all.py`'s table: each bench prints its own report and,
when BENCH_RESULTS names a file, appends its figures there as JSON lines."""

from __future__ import annotations

import json
import os
import statistics
from collections.abc import Sequence


def record(
    case: str,
    service: Sequence[float] | float,
    peer: Sequence[float] | float | None,
    unit: str,
    *,
    lower_is_better: bool = False,
    peer_name: str = "",
) -> None:
    """Append one figure: the service's value (median of rounds when several) beside the
    peer's, in `unit`; `lower_is_better` for times. No-op outside `run_all`."""
    path = os.environ.get("BENCH_RESULTS")
    if not path:
        return

    def median(value: Sequence[float] | float) -> float:
        return float(value) if isinstance(value, int | float) else statistics.median(value)

    def spread(value: Sequence[float] | float) -> list[float]:
        return [median(value)] * 2 if isinstance(value, int | float) else [min(value), max(value)]

    row = {
        "bench": os.environ.get("BENCH_NAME", ""),
        "case": case,
        "unit": unit,
        "service": median(service),
        "service_spread": spread(service),
        "peer": None if peer is None else median(peer),
        "peer_spread": None if peer is None else spread(peer),
        "peer_name": peer_name,
        "lower_is_better": lower_is_better,
    }
    with open(path, "a", encoding="utf-8") as out:
        out.write(json.dumps(row, ensure_ascii=False) + "\n")
