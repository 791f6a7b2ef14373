"""Edges a lawyer would check (issue #12): Civil Code art. 203 for calendar-day periods, no
silent reach into a year not loaded, late December provisional until the next year's notice,
and a year's last days cited to the notice that set them."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from publisher.errors import CalendarNotCovered, ValidationFailed
from publisher.rules.calendar_data import parse_year_file
from publisher.rules.predisclosure import (
    ConsultationProfile,
    MeetingKind,
    earliest_consultation_close,
    latest_notice_publication,
)
from publisher.rules.workcalendar import WorkCalendar
from publisher.timeutil import LOCAL_TZ
from tests.rules.conftest import COMMITTED_DIR

ORDER_713 = ConsultationProfile.ORDER_713


def local(year: int, month: int, day: int, hour: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, tzinfo=LOCAL_TZ)


def test_a_30_day_period_ending_on_a_holiday_runs_to_the_next_working_day(
    cal: WorkCalendar,
) -> None:
    """Opening 09-07: the 30th day, 10-07, is National Day; the period's last day is 10-08."""
    deadline = earliest_consultation_close(local(2026, 9, 7, 9), ORDER_713, cal)
    assert deadline.instant == local(2026, 10, 9)
    assert deadline.day == dt.date(2026, 10, 8)
    text = deadline.render_zh()
    assert "第二百零三条" in text and "10月8日" in text
    assert "art. 203" in deadline.render_en()
    assert [s.day for s in deadline.explanation.skipped] == [dt.date(2026, 10, 7)]


def test_a_30_day_period_ending_on_a_weekend_runs_to_monday(cal: WorkCalendar) -> None:
    """Opening Friday 11-06: the 30th day is Sunday 12-06; the last day is Monday 12-07."""
    deadline = earliest_consultation_close(local(2026, 11, 6, 9), ORDER_713, cal)
    assert deadline.instant == local(2026, 12, 8)
    assert deadline.day == dt.date(2026, 12, 7)
    weekday = earliest_consultation_close(local(2026, 11, 10, 9), ORDER_713, cal)
    assert weekday.instant == local(2026, 12, 11)  # the 30th day, Thursday 12-10, is worked
    assert weekday.explanation.skipped == () and "第二百零三条" not in weekday.render_zh()


def test_a_calendar_day_period_into_a_year_not_loaded_is_refused(cal: WorkCalendar) -> None:
    """It computed a close on 2027-01-02 although 2027 is not loaded."""
    with pytest.raises(CalendarNotCovered, match="2027"):
        earliest_consultation_close(local(2026, 12, 2, 9), ORDER_713, cal)


def test_late_december_deadlines_are_provisional_until_the_next_year_is_loaded(
    cal: WorkCalendar, calendar_dir: Path, year_2027: dict[str, Any]
) -> None:
    city = earliest_consultation_close(local(2026, 12, 14, 9), ConsultationProfile.CITY, cal)
    assert city.day == dt.date(2026, 12, 21) and city.provisional_until_year == 2027
    assert "以2027年节假日安排发布为准" in city.render_zh()
    assert "Provisional until the 2027" in city.render_en()
    early = earliest_consultation_close(local(2026, 12, 1, 9), ConsultationProfile.CITY, cal)
    assert not early.provisional and "暂定" not in early.render_zh()
    notice = latest_notice_publication(local(2026, 12, 28, 9), MeetingKind.PLENARY, cal)
    assert notice.provisional_until_year == 2027
    # once 2027 is loaded, the same deadlines stand as final
    (calendar_dir / "2027.json").write_text(json.dumps(year_2027), encoding="utf-8")
    with_2027 = WorkCalendar.from_dir(calendar_dir)
    final = earliest_consultation_close(local(2026, 12, 14, 9), ConsultationProfile.CITY, with_2027)
    assert final.instant == city.instant and not final.provisional


def test_the_last_days_of_2018_cite_the_2019_notice_that_set_them(cal: WorkCalendar) -> None:
    year_end = latest_notice_publication(local(2018, 12, 29, 9), MeetingKind.PLENARY, cal)
    assert year_end.day == dt.date(2018, 12, 25)
    assert "2019年部分节假日安排的通知" in year_end.render_zh()
    assert "2019年部分节假日安排的通知" in year_end.render_en()
    spanning = earliest_consultation_close(
        local(2018, 12, 24, 9), ConsultationProfile.CITY, cal
    )  # counts Saturday 12-29, worked by the 2019 notice
    assert dt.date(2018, 12, 29) in spanning.explanation.counted
    assert "国办发明电〔2018〕15号" in spanning.render_zh()
    june = earliest_consultation_close(local(2018, 6, 4, 9), ConsultationProfile.CITY, cal)
    assert "2019年部分节假日安排" not in june.render_zh()


def test_an_amendment_naming_a_day_of_another_year_is_refused() -> None:
    data = json.loads((COMMITTED_DIR / "2018.json").read_text(encoding="utf-8"))
    data["source"]["amendments"][0]["days"].append("2019-01-01")
    with pytest.raises(ValidationFailed, match="2019-01-01"):
        parse_year_file(json.dumps(data, ensure_ascii=False), "2018.json")


@pytest.mark.parametrize(
    ("meeting", "day", "notice"),
    [
        (dt.date(2008, 1, 3), dt.date(2007, 12, 27), "2008年部分节假日安排"),  # 12-29 worked
        (dt.date(2012, 1, 5), dt.date(2011, 12, 29), "2012年部分节假日安排"),  # 12-31 worked
    ],
)
def test_the_last_days_of_2007_and_2011_cite_the_next_years_notice(
    cal: WorkCalendar, meeting: dt.date, day: dt.date, notice: str
) -> None:
    """Like 2018: the next year's notice set these days, so the explanation cites it."""
    deadline = latest_notice_publication(
        local(meeting.year, meeting.month, meeting.day, 9), MeetingKind.PLENARY, cal
    )
    assert deadline.day == day
    assert notice in deadline.render_zh() and notice in deadline.render_en()
