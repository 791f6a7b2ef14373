"""Mainland-China working days, loaded from the per-year files, refusing every uncovered year.

Counting convention (docs/working-days.md): the day an act happens is never counted (Civil Code
art. 201). ``add_working_days(d, n)`` is the n-th working day *after* d; ``working_days_between``
counts full working days strictly between two days; ``nth_working_day_before(d, n)`` is the n-th
working day before d.

Lookups are a dict hit; arithmetic is a bisect over the sorted ordinals of all working days, so
both stay well under a microsecond. A computation whose start, result or span touches a year
without a file raises CalendarNotCovered, never a weekday guess.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
from bisect import bisect_left, bisect_right
from collections.abc import Mapping
from pathlib import Path
from typing import NamedTuple, NoReturn

from publisher.errors import CalendarNotCovered
from publisher.rules.calendar_data import DayKind, YearFile, load_year_files
from publisher.rules.explanation import (
    Amendment,
    DeadlineExplanation,
    Operation,
    SkippedDay,
    YearSource,
)

__all__ = [
    "Amendment",
    "DayKind",
    "DeadlineExplanation",
    "Installed",
    "SkippedDay",
    "WorkCalendar",
    "YearSource",
    "get_calendar",
    "reload_calendar",
]


def _refuse_datetime(day: dt.date) -> None:
    # datetime is a date subclass: accepting it would silently drop the time and the zone.
    if isinstance(day, dt.datetime):
        raise TypeError("pass a date (the local calendar day), not a datetime")


class WorkCalendar:
    """Working-day arithmetic over the covered years only."""

    def __init__(
        self,
        years: Mapping[int, YearFile],
        paths: Mapping[int, Path] | None = None,
        directory: Path | None = None,
    ):
        #: where a missing year would be installed, named in every refusal
        self._directory = str(directory) if directory else None
        self._files = dict(years)
        self._sources = {
            y: YearSource(
                year=y,
                path=paths[y].name if paths and y in paths else f"{y}.json",
                notice_title=m.source.notice_title,
                notice_url=m.source.notice_url,
                built_from=m.source.built_from,
                amendments=tuple(
                    Amendment(a.title, a.url, tuple(a.days)) for a in m.source.amendments
                ),
            )
            for y, m in self._files.items()
        }
        self._covered = frozenset(self._files)
        self._kind: dict[dt.date, DayKind] = {}
        self._working: dict[dt.date, bool] = {}
        self._names: dict[dt.date, str] = {}
        work: list[int] = []
        for year in sorted(self._files):
            model = self._files[year]
            off = {d.date: d.name for d in model.days_off}
            adj = {d.date: d.name for d in model.adjusted_workdays}
            self._names.update(off)
            self._names.update(adj)
            first = dt.date(year, 1, 1).toordinal()
            last = dt.date(year, 12, 31).toordinal()
            for o in range(first, last + 1):
                day = dt.date.fromordinal(o)
                if day in off:
                    kind = DayKind.HOLIDAY
                elif day in adj:
                    kind = DayKind.ADJUSTED_WORKDAY
                elif day.weekday() >= 5:
                    kind = DayKind.WEEKEND
                else:
                    kind = DayKind.WORKDAY
                working = kind in (DayKind.WORKDAY, DayKind.ADJUSTED_WORKDAY)
                self._kind[day] = kind
                self._working[day] = working
                if working:
                    work.append(o)
        self._work_dates = [dt.date.fromordinal(o) for o in work]
        # Per covered day: (index of the first working day after it, number of working days
        # before it, first and last working-day index of its run of consecutive covered years).
        # Arithmetic then costs one dict hit and an index; leaving the run means touching a
        # year that is not covered.
        self._idx: dict[dt.date, tuple[int, int, int, int]] = {}
        self._run_years: dict[int, tuple[int, int]] = {}
        years_sorted = sorted(self._covered)
        i = 0
        while i < len(years_sorted):
            j = i
            while j + 1 < len(years_sorted) and years_sorted[j + 1] == years_sorted[j] + 1:
                j += 1
            lo_y, hi_y = years_sorted[i], years_sorted[j]
            lo_i = bisect_left(work, dt.date(lo_y, 1, 1).toordinal())
            hi_i = bisect_right(work, dt.date(hi_y, 12, 31).toordinal()) - 1
            for o in range(dt.date(lo_y, 1, 1).toordinal(), dt.date(hi_y, 12, 31).toordinal() + 1):
                self._idx[dt.date.fromordinal(o)] = (
                    bisect_right(work, o),
                    bisect_left(work, o),
                    lo_i,
                    hi_i,
                )
            for y in range(lo_y, hi_y + 1):
                self._run_years[y] = (lo_y, hi_y)
            i = j + 1

    @classmethod
    def from_dir(
        cls, directory: Path, installed: Mapping[int, YearFile] | None = None
    ) -> WorkCalendar:
        """The folder's year files, overlaid by the years installed in the database (they
        win: an install is the office's later, deliberate act; the folder is the base)."""
        found = load_year_files(directory)
        years = {y: m for y, (_, m) in found.items()}
        paths = {y: p for y, (p, _) in found.items()}
        for year, model in (installed or {}).items():
            years[year] = model
            paths.pop(year, None)
        return cls(years, paths, directory)

    # -- lookups -------------------------------------------------------------------------

    @property
    def covered_years(self) -> frozenset[int]:
        return self._covered

    def source(self, year: int) -> YearSource:
        try:
            return self._sources[year]
        except KeyError:
            raise CalendarNotCovered(year, self._directory) from None

    def kind(self, day: dt.date) -> DayKind:
        k = self._kind.get(day)
        if k is None:
            _refuse_datetime(day)
            raise CalendarNotCovered(day.year, self._directory)
        return k

    def is_working_day(self, day: dt.date) -> bool:
        w = self._working.get(day)
        if w is None:
            _refuse_datetime(day)
            raise CalendarNotCovered(day.year, self._directory)
        return w

    def holiday_name(self, day: dt.date) -> str | None:
        """The holiday a day off or adjusted workday belongs to (None for ordinary days)."""
        self.kind(day)
        return self._names.get(day)

    # -- arithmetic ----------------------------------------------------------------------

    def _refuse(self, day: dt.date, n: int) -> NoReturn:
        """The slow path of every computation: say precisely why there is no answer."""
        _refuse_datetime(day)
        if n < 1:
            raise ValueError(f"n must be >= 1, got {n}")
        raise CalendarNotCovered(day.year, self._directory)

    def add_working_days(self, start: dt.date, n: int) -> dt.date:
        """The n-th working day after ``start`` (start itself not counted), n >= 1."""
        entry = self._idx.get(start)
        if entry is None or n < 1:
            self._refuse(start, n)
        j = entry[0] + n - 1
        if j > entry[3]:
            raise CalendarNotCovered(self._run_years[start.year][1] + 1, self._directory)
        return self._work_dates[j]

    def nth_working_day_before(self, day: dt.date, n: int) -> dt.date:
        """The n-th working day before ``day`` (day itself not counted), n >= 1."""
        entry = self._idx.get(day)
        if entry is None or n < 1:
            self._refuse(day, n)
        j = entry[1] - n
        if j < entry[2]:
            raise CalendarNotCovered(self._run_years[day.year][0] - 1, self._directory)
        return self._work_dates[j]

    def working_days_between(self, a: dt.date, b: dt.date) -> int:
        """Full working days strictly between a and b (a <= b); 0 when they are adjacent."""
        ea = self._idx.get(a)
        if ea is None:
            self._refuse(a, 1)
        eb = self._idx.get(b)
        if eb is None:
            self._refuse(b, 1)
        if b < a:
            raise ValueError(f"{b.isoformat()} is before {a.isoformat()}")
        if ea[2] != eb[2]:
            raise CalendarNotCovered(self._run_years[a.year][1] + 1, self._directory)
        count = eb[1] - ea[0]
        return count if count > 0 else 0

    # -- explanations --------------------------------------------------------------------

    def _walk(
        self, first: dt.date, last: dt.date
    ) -> tuple[list[dt.date], list[SkippedDay], list[dt.date], list[int]]:
        """Days first..last inclusive, split into counted (working) and skipped, with years."""
        counted: list[dt.date] = []
        skipped: list[SkippedDay] = []
        adjusted: list[dt.date] = []
        years: list[int] = []
        day = first
        one = dt.timedelta(days=1)
        while day <= last:
            k = self.kind(day)
            if day.year not in years:
                years.append(day.year)
            if k in (DayKind.WORKDAY, DayKind.ADJUSTED_WORKDAY):
                counted.append(day)
                if k is DayKind.ADJUSTED_WORKDAY:
                    adjusted.append(day)
            else:
                skipped.append(SkippedDay(day, k, self._names.get(day)))
            day += one
        return counted, skipped, adjusted, years

    def _explain(
        self, op: Operation, anchor: dt.date, n: int, result: dt.date, first: dt.date, last: dt.date
    ) -> DeadlineExplanation:
        counted, skipped, adjusted, years = (
            self._walk(first, last) if first <= last else ([], [], [], [])
        )
        for y in (anchor.year, result.year):
            if y not in years:
                years.append(y)
        return DeadlineExplanation(
            operation=op,
            anchor=anchor,
            n=n,
            result=result,
            counted=tuple(counted),
            skipped=tuple(skipped),
            adjusted=tuple(adjusted),
            sources=tuple(self._sources[y] for y in sorted(years)),
        )

    def explain_add_working_days(self, start: dt.date, n: int) -> DeadlineExplanation:
        result = self.add_working_days(start, n)
        one = dt.timedelta(days=1)
        return self._explain("add", start, n, result, start + one, result)

    def explain_add_working_days_inclusive(self, first: dt.date, n: int) -> DeadlineExplanation:
        """The n-th working day counting ``first`` itself as the first if it is one."""
        one = dt.timedelta(days=1)
        self.kind(first)
        result = self.add_working_days(first - one, n)
        return self._explain("add_inclusive", first, n, result, first, result)

    def explain_working_days_from(self, first: dt.date, end: dt.date) -> DeadlineExplanation:
        """Working days from ``first`` (counted) up to ``end`` (not counted)."""
        one = dt.timedelta(days=1)
        n = self.working_days_between(first - one, end)
        return self._explain("from", first, n, end, first, end - one)

    def explain_nth_working_day_before(self, day: dt.date, n: int) -> DeadlineExplanation:
        result = self.nth_working_day_before(day, n)
        one = dt.timedelta(days=1)
        return self._explain("before", day, n, result, result, day - one)

    def explain_working_days_between(self, a: dt.date, b: dt.date) -> DeadlineExplanation:
        n = self.working_days_between(a, b)
        one = dt.timedelta(days=1)
        return self._explain("between", a, n, b, a + one, b - one)


# --------------------------------------------------------------------------------------------
# Process-wide cache, one calendar per folder
# --------------------------------------------------------------------------------------------


class Installed(NamedTuple):
    """Years installed in the database, as the caller read them, and the database's version
    of them (it changes with every install, in any process)."""

    version: int
    years: Mapping[int, YearFile]


#: the folder's fingerprint and the installed years themselves: compared by identity first (one
#: tuple comparison per lookup), by content when another caller read the same years again
_Stamp = tuple[tuple[tuple[str, int, int], ...], Installed | None]
_cache: dict[Path, tuple[_Stamp, WorkCalendar]] = {}
_lock = threading.Lock()


def _resolve(calendar_dir: Path) -> Path:
    return Path(calendar_dir).resolve()


def _fingerprint(directory: Path) -> tuple[tuple[str, int, int], ...]:
    """Names, modification times and sizes of the year files: a few stat calls, so that every
    lookup can tell whether `calendar load` (from any process) changed the folder."""
    try:
        entries = list(os.scandir(directory))
    except FileNotFoundError:
        return ()
    stamps = []
    for entry in entries:
        if entry.name.endswith(".json") and not entry.name.startswith("."):
            stat = entry.stat()
            stamps.append((entry.name, stat.st_mtime_ns, stat.st_size))
    return tuple(sorted(stamps))


def get_calendar(calendar_dir: Path, installed: Installed | None = None) -> WorkCalendar:
    """The calendar of the folder (callers pass ``settings.calendar_dir``) and of the years
    installed in the database, when the caller read them. Loaded once and rebuilt when a year
    file appears or changes or the database's version moves, so a running service picks up a
    newly installed year without a restart."""
    key = _resolve(calendar_dir)
    stamp: _Stamp = (_fingerprint(key), installed)
    cached = _cache.get(key)
    if cached is None or cached[0] != stamp:
        with _lock:
            cached = _cache.get(key)
            if cached is None or cached[0] != stamp:
                years = installed.years if installed else None
                cached = (stamp, WorkCalendar.from_dir(key, years))
                _cache[key] = cached
    return cached[1]


def reload_calendar(calendar_dir: Path, installed: Installed | None = None) -> WorkCalendar:
    """Load the folder again now (after ``calendar load``, which also changes the stamp)."""
    key = _resolve(calendar_dir)
    with _lock:
        cal = WorkCalendar.from_dir(key, installed.years if installed else None)
        _cache[key] = ((_fingerprint(key), installed), cal)
    return cal
