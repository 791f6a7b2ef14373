"""Nanoseconds per call of the working-day lookups and arithmetic on the committed table.

Run: .venv/bin/python bench/bench_calendar.py
"""

from __future__ import annotations

import datetime as dt
import random
import sys
import timeit
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script: `bench` is not an installed package

from bench._results import record  # noqa: E402
from publisher.rules.workcalendar import WorkCalendar  # noqa: E402

CALENDAR_DIR = Path(__file__).resolve().parent.parent / "datasets" / "calendar"


def ns_per_call(fn: Callable[[], object], calls: int) -> float:
    """Best of seven runs, so that a busy machine does not inflate the figure."""
    best = min(timeit.repeat(fn, number=1, repeat=7))
    return best / calls * 1e9


def main() -> None:
    cal = WorkCalendar.from_dir(CALENDAR_DIR)
    rng = random.Random(201)
    first = dt.date(2004, 1, 1).toordinal()
    last = dt.date(2024, 12, 31).toordinal()  # so that n=250 stays inside 2026
    days = [dt.date.fromordinal(rng.randint(first, last)) for _ in range(100_000)]
    pairs = [(d, d + dt.timedelta(days=rng.randint(0, 300))) for d in days]
    calls = len(days)
    kind, is_working, add = cal.kind, cal.is_working_day, cal.add_working_days
    between = cal.working_days_between

    def run_kind() -> None:
        for d in days:
            kind(d)

    def run_is_working() -> None:
        for d in days:
            is_working(d)

    def run_add(n: int) -> Callable[[], None]:
        def loop() -> None:
            for d in days:
                add(d, n)

        return loop

    def run_between() -> None:
        for a, b in pairs:
            between(a, b)

    def run_empty() -> None:
        for _d in days:
            pass

    loop_cost = ns_per_call(run_empty, calls)
    print(f"{calls} calls each, best of 7; loop overhead {loop_cost:.0f} ns/call (not subtracted)")
    for label, fn in [
        ("kind()", run_kind),
        ("is_working_day()", run_is_working),
        ("add_working_days(n=1)", run_add(1)),
        ("add_working_days(n=5)", run_add(5)),
        ("add_working_days(n=250)", run_add(250)),
        ("working_days_between(span <= 300 days)", run_between),
    ]:
        took = ns_per_call(fn, calls)
        print(f"{label:42s} {took:7.0f} ns/call")
        record(label, took, None, "ns/call", lower_is_better=True)
    start = timeit.default_timer()
    WorkCalendar.from_dir(CALENDAR_DIR)
    load_ms = (timeit.default_timer() - start) * 1e3
    print(f"{'load 23 year files (once per folder)':42s} {load_ms:7.1f} ms")


if __name__ == "__main__":
    main()
