"""The committed table against both libraries, the build's cross-check, and file validation."""

from __future__ import annotations

import copy
import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import chinese_calendar
import jsonschema
import pytest
from holidays.countries.china import China

from publisher.errors import ValidationFailed
from publisher.rules.calendar_build import KNOWN_ERRATA, Erratum, build_year, build_years
from publisher.rules.calendar_data import (
    CalendarBuildError,
    DayKind,
    load_year_files,
    parse_year_file,
    read_year_file,
    year_file_json_schema,
)
from publisher.rules.workcalendar import WorkCalendar

COMMITTED_DIR = Path(__file__).resolve().parents[2] / "datasets" / "calendar"
WriteJson = Callable[[Path, dict[str, Any]], Path]


def _days(first: dt.date, last: dt.date) -> list[dt.date]:
    return [dt.date.fromordinal(o) for o in range(first.toordinal(), last.toordinal() + 1)]


def test_committed_files_cover_2004_to_2026() -> None:
    assert sorted(load_year_files(COMMITTED_DIR)) == list(range(2004, 2027))


@pytest.mark.parametrize("year", range(2018, 2027))
def test_table_equals_both_libraries_day_by_day(cal: WorkCalendar, year: int) -> None:
    """Each day of the committed table answers exactly as chinese_calendar and holidays do."""
    cn = China(years=[year - 1, year, year + 1])  # type: ignore[no-untyped-call]
    mismatches = []
    for day in _days(dt.date(year, 1, 1), dt.date(year, 12, 31)):
        ours = cal.is_working_day(day)
        if ours != chinese_calendar.is_workday(day) or ours != cn.is_working_day(day):
            mismatches.append(day)
        kind = cal.kind(day)
        weekend = day.weekday() >= 5
        expected = {
            (True, False): DayKind.WORKDAY,
            (True, True): DayKind.ADJUSTED_WORKDAY,
            (False, True): DayKind.WEEKEND,
            (False, False): DayKind.HOLIDAY,
        }[(ours, weekend)]
        assert kind is expected, day
    assert mismatches == []


def test_earlier_years_agree_with_libraries_except_the_written_errata(cal: WorkCalendar) -> None:
    errata = {e.day: e for e in KNOWN_ERRATA}
    cc_disagreements = []
    for day in _days(dt.date(2004, 1, 1), dt.date(2017, 12, 31)):
        cn = China(years=day.year)  # type: ignore[no-untyped-call]
        assert cal.is_working_day(day) == cn.is_working_day(day), day
        if cal.is_working_day(day) != chinese_calendar.is_workday(day):
            cc_disagreements.append(day)
    assert cc_disagreements == [dt.date(2005, 12, 31)]
    assert cal.kind(dt.date(2005, 12, 31)) is errata[dt.date(2005, 12, 31)].kind


def test_committed_files_are_exactly_what_the_build_produces() -> None:
    """A stale or hand-edited library-built file fails here."""
    for year in range(2004, 2027):
        text = (COMMITTED_DIR / f"{year}.json").read_text(encoding="utf-8")
        assert text == build_year(year).to_json(), year


def test_notices_recorded_for_2018_onwards() -> None:
    for year, (_, model) in load_year_files(COMMITTED_DIR).items():
        if year >= 2018:
            assert model.source.notice_title == f"国务院办公厅关于{year}年部分节假日安排的通知"
            assert (model.source.notice_url or "").startswith("https://www.gov.cn/")
        else:
            assert model.source.notice_url is None
        assert model.source.built_from.startswith("holidays==")


def test_build_aborts_on_a_disagreement_not_on_the_errata_list() -> None:
    with pytest.raises(CalendarBuildError) as info:
        build_year(2005, errata=())
    assert "2005-12-31" in info.value.message_en
    assert "2005-12-31" in info.value.message_zh
    assert info.value.details["disagreements"] == [
        "2005-12-31: holidays says adjusted_workday, chinesecalendar says weekend"
    ]


def test_build_aborts_when_an_erratum_names_neither_answer() -> None:
    wrong = Erratum(dt.date(2005, 12, 31), "chinesecalendar", DayKind.HOLIDAY, "元旦", "test")
    with pytest.raises(CalendarBuildError, match="2005-12-31"):
        build_year(2005, errata=(wrong,))


def test_build_aborts_when_an_erratum_contradicts_agreeing_libraries() -> None:
    wrong = Erratum(dt.date(2026, 10, 8), "both", DayKind.HOLIDAY, "国庆节", "test")
    with pytest.raises(CalendarBuildError, match="2026-10-08: both libraries say workday"):
        build_year(2026, errata=(wrong,))


@pytest.mark.parametrize("year", [2003, 2027])
def test_build_refuses_years_the_libraries_do_not_both_cover(year: int) -> None:
    with pytest.raises(CalendarBuildError, match=str(year)):
        build_year(year)


def test_build_years_writes_files_equal_to_the_committed_ones(tmp_path: Path) -> None:
    paths = build_years(2025, 2026, tmp_path)
    assert [p.name for p in paths] == ["2025.json", "2026.json"]
    for p in paths:
        assert p.read_bytes() == (COMMITTED_DIR / p.name).read_bytes()


def test_json_schema_accepts_every_committed_file() -> None:
    schema = year_file_json_schema()
    for path in sorted(COMMITTED_DIR.glob("*.json")):
        jsonschema.validate(json.loads(path.read_text(encoding="utf-8")), schema)


# -- validation of operator files ---------------------------------------------------------


def _mutate(base: dict[str, Any], fn: Callable[[dict[str, Any]], None]) -> str:
    data = copy.deepcopy(base)
    fn(data)
    return json.dumps(data, ensure_ascii=False)


def test_handmade_2027_is_valid(year_2027: dict[str, Any]) -> None:
    model = parse_year_file(json.dumps(year_2027))
    assert model.year == 2027
    assert not model.library_built


BAD_FILES: list[tuple[str, Callable[[dict[str, Any]], None], str]] = [
    (
        "date in another year",
        lambda d: d["days_off"].append({"date": "2026-12-31", "name": "x"}),
        "2026-12-31, which is not in 2027",
    ),
    (
        "both off and adjusted",
        lambda d: d["adjusted_workdays"].append({"date": "2027-01-01", "name": "x"}),
        "both as a day off and as an adjusted workday",
    ),
    (
        "adjusted workday on a weekday",
        lambda d: d["adjusted_workdays"].append({"date": "2027-02-22", "name": "x"}),
        "2027-02-22 is a Monday; it must be a Saturday or Sunday",
    ),
    (
        "day off on a weekend",
        lambda d: d["days_off"].append({"date": "2027-02-06", "name": "春节"}),
        "day off 2027-02-06 is a Saturday",
    ),
    (
        "operator year without notice_url",
        lambda d: d["source"].update(notice_url=None),
        "notice_url (the State Council notice) are required",
    ),
    (
        "operator year claiming a library build",
        lambda d: d["source"].update(
            notice_url=None, built_from="holidays==0.109; chinesecalendar==1.11.0; cross-checked"
        ),
        "notice_url (the State Council notice) are required",
    ),
    ("duplicate day", lambda d: d["days_off"].append(d["days_off"][0]), "listed twice"),
    ("no days off", lambda d: d.update(days_off=[]), "lists no statutory day off"),
    (
        "not a date",
        lambda d: d["days_off"].append({"date": "2027-02-30", "name": "x"}),
        "days_off.5.date",
    ),
    ("unknown field", lambda d: d.update(comment="hi"), "comment"),
    ("year as text", lambda d: d.update(year="2027"), "year"),
    ("url not a url", lambda d: d["source"].update(notice_url="gov.cn"), "notice_url"),
]


@pytest.mark.parametrize(("label", "mutate", "expected"), BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_invalid_year_files_are_refused_with_a_reason(
    year_2027: dict[str, Any], label: str, mutate: Callable[[dict[str, Any]], None], expected: str
) -> None:
    with pytest.raises(ValidationFailed) as info:
        parse_year_file(_mutate(year_2027, mutate), "2027.json")
    assert expected in info.value.message_en
    assert "\n" not in info.value.message_en
    assert info.value.message_zh.startswith("2027.json：")


def test_not_json_is_refused() -> None:
    with pytest.raises(ValidationFailed, match="invalid year file"):
        parse_year_file("{not json", "x.json")


def test_file_name_must_match_its_year(
    tmp_path: Path, year_2027: dict[str, Any], write_json: WriteJson
) -> None:
    path = write_json(tmp_path / "2028.json", year_2027)
    with pytest.raises(ValidationFailed, match="file name says 2028 but the file is for 2027"):
        read_year_file(path)


def test_an_invalid_file_in_the_folder_stops_the_load(
    calendar_dir: Path, year_2027: dict[str, Any], write_json: WriteJson
) -> None:
    year_2027["adjusted_workdays"][0]["date"] = "2027-02-19"  # a Friday
    write_json(calendar_dir / "2027.json", year_2027)
    with pytest.raises(ValidationFailed, match="2027-02-19 is a Friday"):
        WorkCalendar.from_dir(calendar_dir)
