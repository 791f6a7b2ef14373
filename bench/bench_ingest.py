"""Time to parse the 2019 No. 2 gazette issue: median of many runs, in milliseconds.

Run with ``.venv/bin/python bench/bench_ingest.py [RUNS]``. Parsing must stay well under a
second so that re-ingesting every bundled issue on each publish remains cheap.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script: `bench` is not an installed package

from bench._results import record  # noqa: E402
from publisher.gazette import parse_gazette  # noqa: E402

SOURCE = (
    Path(__file__).resolve().parent.parent
    / "datasets"
    / "sources"
    / "sanmenxia-gazette-2019-02.txt"
)


def main(runs: int = 50) -> None:
    text = SOURCE.read_text(encoding="utf-8")
    parse_gazette(text)  # warm up: OpenCC dictionaries and regex caches
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        parse_gazette(text)
        timings.append((time.perf_counter() - start) * 1000)
    print(
        f"parse_gazette({SOURCE.name}, {len(text)} chars): "
        f"median {statistics.median(timings):.1f} ms, "
        f"min {min(timings):.1f} ms, max {max(timings):.1f} ms over {runs} runs"
    )
    record("parse one gazette issue", timings, None, "ms", lower_is_better=True)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 50)
