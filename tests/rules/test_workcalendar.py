"""Working-day arithmetic: the required answers, holiday edges, refusals, properties."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from publisher.errors import CalendarNotCovered
from publisher.rules.workcalendar import DayKind, WorkCalendar, get_calendar, reload_calendar
from publisher.settings import Settings
from tests.rules.conftest import COMMITTED_DIR

D = dt.date
WriteJson = Callable[[Path, dict[str, Any]], Path]


def test_required_answers(cal: WorkCalendar) -> None:
    assert cal.kind(D(2026, 2, 14)) is DayKind.ADJUSTED_WORKDAY  # a Saturday worked
    assert D(2026, 2, 14).weekday() == 5
    assert cal.is_working_day(D(2026, 2, 14))
    assert cal.kind(D(2026, 10, 8)) is DayKind.WORKDAY
    assert cal.kind(D(2026, 10, 1)) is DayKind.HOLIDAY
    assert not cal.is_working_day(D(2026, 10, 1))
    assert cal.add_working_days(D(2026, 9, 30), 1) == D(2026, 10, 8)
    assert cal.covered_years == frozenset(range(2004, 2027))


def test_dict_values_are_str_enums(cal: WorkCalendar) -> None:
    assert {k.value for k in DayKind} == {"workday", "weekend", "holiday", "adjusted_workday"}
    assert cal.kind(D(2026, 10, 3)) == "weekend"


def test_national_day_2026(cal: WorkCalendar) -> None:
    # 9-20 (Sun) and 10-10 (Sat) are worked; 10-01..10-07 are off.
    assert cal.kind(D(2026, 9, 20)) is DayKind.ADJUSTED_WORKDAY
    assert cal.kind(D(2026, 10, 10)) is DayKind.ADJUSTED_WORKDAY
    assert [cal.is_working_day(D(2026, 10, d)) for d in range(1, 11)] == [
        False, False, False, False, False, False, False, True, True, True,
    ]  # fmt: skip
    # Working days before Fri 10-09: 10-08, then 9-30, 9-29 (the holiday week skipped).
    assert cal.nth_working_day_before(D(2026, 10, 9), 1) == D(2026, 10, 8)
    assert cal.nth_working_day_before(D(2026, 10, 9), 3) == D(2026, 9, 29)
    assert cal.working_days_between(D(2026, 9, 28), D(2026, 10, 9)) == 3
    assert cal.working_days_between(D(2026, 9, 30), D(2026, 10, 8)) == 0
    # 10-08 Thu, 10-09 Fri, 10-10 Sat (worked), then Mon 10-12.
    assert cal.add_working_days(D(2026, 10, 7), 3) == D(2026, 10, 10)
    assert cal.add_working_days(D(2026, 10, 7), 4) == D(2026, 10, 12)


def test_spring_festival_2026_with_adjusted_saturdays(cal: WorkCalendar) -> None:
    # Off 2-15 (Sun) .. 2-23 (Mon); Saturdays 2-14 and 2-28 worked.
    assert cal.add_working_days(D(2026, 2, 13), 1) == D(2026, 2, 14)
    assert cal.add_working_days(D(2026, 2, 14), 1) == D(2026, 2, 24)
    assert cal.working_days_between(D(2026, 2, 12), D(2026, 2, 24)) == 2  # 2-13 and 2-14
    assert cal.nth_working_day_before(D(2026, 3, 2), 1) == D(2026, 2, 28)
    assert cal.kind(D(2026, 2, 21)) is DayKind.WEEKEND
    assert cal.kind(D(2026, 2, 23)) is DayKind.HOLIDAY


def test_year_boundary_into_uncovered_2027_is_refused(cal: WorkCalendar) -> None:
    assert cal.add_working_days(D(2026, 12, 30), 1) == D(2026, 12, 31)
    with pytest.raises(CalendarNotCovered) as info:
        cal.add_working_days(D(2026, 12, 30), 2)
    assert info.value.year == 2027
    assert "2027" in info.value.message_en and "2027" in info.value.message_zh
    assert "publisher calendar load" in info.value.message_en
    # it says who must do what, in Chinese, and where the year goes
    assert "请系统管理员" in info.value.message_zh and "无需重启" in info.value.message_zh
    assert str(COMMITTED_DIR) in info.value.message_zh
    assert "datasets/calendar/2027.json" not in info.value.message_en
    with pytest.raises(CalendarNotCovered, match="2027"):
        cal.working_days_between(D(2026, 12, 1), D(2027, 1, 5))
    with pytest.raises(CalendarNotCovered, match="2027"):
        cal.kind(D(2027, 1, 4))
    with pytest.raises(CalendarNotCovered, match="2027"):
        cal.is_working_day(D(2027, 1, 4))
    with pytest.raises(CalendarNotCovered, match="2027"):
        cal.nth_working_day_before(D(2027, 1, 8), 1)


def test_before_the_first_covered_year_is_refused(cal: WorkCalendar) -> None:
    # 2004-01-02 is the first working day of 2004.
    assert cal.nth_working_day_before(D(2004, 1, 5), 1) == D(2004, 1, 2)
    with pytest.raises(CalendarNotCovered) as info:
        cal.nth_working_day_before(D(2004, 1, 5), 2)
    assert info.value.year == 2003


def test_a_gap_year_is_never_jumped(
    tmp_path: Path, year_2027: dict[str, Any], write_json: WriteJson
) -> None:
    shutil.copy(Path(__file__).resolve().parents[2] / "datasets/calendar/2026.json", tmp_path)
    year_2028 = {
        **year_2027,
        "year": 2028,
        "days_off": [{"date": "2028-01-03", "name": "元旦"}],
        "adjusted_workdays": [],
    }
    write_json(tmp_path / "2028.json", year_2028)
    cal = WorkCalendar.from_dir(tmp_path)
    assert cal.covered_years == frozenset({2026, 2028})
    assert cal.add_working_days(D(2028, 1, 1), 1) == D(2028, 1, 4)
    with pytest.raises(CalendarNotCovered) as info:
        cal.add_working_days(D(2026, 12, 31), 1)
    assert info.value.year == 2027
    with pytest.raises(CalendarNotCovered) as info:
        cal.working_days_between(D(2026, 12, 1), D(2028, 1, 10))
    assert info.value.year == 2027
    with pytest.raises(CalendarNotCovered) as info:
        cal.nth_working_day_before(D(2028, 1, 4), 1)
    assert info.value.year == 2027


def test_empty_folder_covers_nothing(tmp_path: Path) -> None:
    cal = WorkCalendar.from_dir(tmp_path / "missing")
    assert cal.covered_years == frozenset()
    with pytest.raises(CalendarNotCovered, match="2026"):
        cal.is_working_day(D(2026, 10, 8))


def test_bad_arguments_are_refused(cal: WorkCalendar) -> None:
    with pytest.raises(ValueError, match="n must be >= 1"):
        cal.add_working_days(D(2026, 3, 2), 0)
    with pytest.raises(ValueError, match="n must be >= 1"):
        cal.nth_working_day_before(D(2026, 3, 2), -1)
    with pytest.raises(ValueError, match="before"):
        cal.working_days_between(D(2026, 3, 3), D(2026, 3, 2))
    moment = dt.datetime(2026, 3, 2, 12, 0, tzinfo=dt.UTC)
    with pytest.raises(TypeError, match="not a datetime"):
        cal.kind(moment)
    with pytest.raises(TypeError, match="not a datetime"):
        cal.add_working_days(moment, 1)


def test_explanation_across_national_day(cal: WorkCalendar) -> None:
    exp = cal.explain_add_working_days(D(2026, 9, 30), 1)
    assert exp.result == D(2026, 10, 8)
    assert exp.counted == (D(2026, 10, 8),)
    skipped = {s.day: (s.kind, s.name) for s in exp.skipped}
    assert skipped[D(2026, 10, 1)] == (DayKind.HOLIDAY, "国庆节")
    assert skipped[D(2026, 10, 3)] == (DayKind.WEEKEND, None)
    assert sorted(skipped) == [D(2026, 10, d) for d in range(1, 8)]
    assert [s.year for s in exp.sources] == [2026]
    zh = exp.render_zh()
    assert "法定节假日（国庆节）" in zh and "周末（星期六）" in zh
    assert "国务院办公厅关于2026年部分节假日安排的通知" in zh
    en = exp.render_en()
    assert "statutory holiday (National Day)" in en and "weekend (Saturday)" in en
    assert exp.to_dict()["result"] == "2026-10-08"


def test_explanation_before_and_between_agree_with_arithmetic(cal: WorkCalendar) -> None:
    before = cal.explain_nth_working_day_before(D(2026, 2, 24), 3)
    assert before.result == cal.nth_working_day_before(D(2026, 2, 24), 3) == D(2026, 2, 12)
    assert before.counted == (D(2026, 2, 12), D(2026, 2, 13), D(2026, 2, 14))
    assert before.adjusted == (D(2026, 2, 14),)
    between = cal.explain_working_days_between(D(2026, 12, 24), D(2026, 12, 31))
    assert between.n == len(between.counted) == 4  # 25, 28, 29, 30


def test_explanation_across_a_year_boundary_names_both_sources(cal: WorkCalendar) -> None:
    exp = cal.explain_add_working_days(D(2025, 12, 30), 3)
    assert exp.result == D(2026, 1, 5)  # 12-31, 1-4 (Sun, worked), 1-5
    assert D(2026, 1, 4) in exp.adjusted
    assert [s.year for s in exp.sources] == [2025, 2026]


def test_get_calendar_caches_per_folder_and_reloads(
    calendar_dir: Path, year_2027: dict[str, Any], write_json: WriteJson
) -> None:
    first = get_calendar(calendar_dir)
    assert get_calendar(calendar_dir) is first  # loaded once while the folder is unchanged
    write_json(calendar_dir / "2027.json", year_2027)
    # a new year file is picked up at the next lookup: no restart, no reload call (issue #12)
    picked_up = get_calendar(calendar_dir)
    assert 2027 in picked_up.covered_years
    assert picked_up.kind(D(2027, 2, 20)) is DayKind.ADJUSTED_WORKDAY
    assert get_calendar(calendar_dir) is picked_up
    reloaded = reload_calendar(calendar_dir)
    assert get_calendar(calendar_dir) is reloaded


def test_get_calendar_honours_the_setting(
    calendar_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (calendar_dir / "2026.json").unlink()
    monkeypatch.setenv("PUBLISHER_CALENDAR_DIR", str(calendar_dir))
    cal = get_calendar(Settings().calendar_dir)
    assert 2026 not in cal.covered_years and 2025 in cal.covered_years


# -- properties ----------------------------------------------------------------------------

days = st.dates(min_value=D(2004, 1, 1), max_value=D(2026, 11, 30))
counts = st.integers(min_value=1, max_value=20)


def _walk_add(cal: WorkCalendar, start: dt.date, n: int) -> dt.date:
    day = start
    while n:
        day += dt.timedelta(days=1)
        n -= cal.is_working_day(day)
    return day


@settings(max_examples=300, deadline=None, database=None)
@given(start=st.dates(min_value=D(2004, 1, 2), max_value=D(2026, 11, 30)), n=counts)
def test_add_matches_a_day_by_day_walk(cal: WorkCalendar, start: dt.date, n: int) -> None:
    result = cal.add_working_days(start, n)
    assert result == _walk_add(cal, start, n)
    assert cal.is_working_day(result)
    assert cal.working_days_between(start, result) == n - 1
    back = cal.nth_working_day_before(result, n)  # the last working day on or before start
    assert back <= start and cal.is_working_day(back)
    assert cal.working_days_between(back, start + dt.timedelta(days=1)) == 0
    assert cal.working_days_between(back, result) == n - 1


@settings(max_examples=300, deadline=None, database=None)
@given(a=days, b=days)
def test_between_counts_working_days_strictly_inside(
    cal: WorkCalendar, a: dt.date, b: dt.date
) -> None:
    a, b = min(a, b), max(a, b)
    if (b - a).days > 400:
        b = a + dt.timedelta(days=400)
    expected = sum(cal.is_working_day(a + dt.timedelta(days=i)) for i in range(1, (b - a).days))
    assert cal.working_days_between(a, b) == expected
