"""The two counting conventions (issue #12): `civil-code` (Civil Code art. 201) and `inclusive`
(the office's habit: the day of publication or opening counts when it comes before work starts),
each stated in every explanation in words that fit the rule it counts for."""

from __future__ import annotations

import datetime as dt

import pytest

from publisher.errors import RuleViolation
from publisher.rules.deadline import Counting
from publisher.rules.predisclosure import (
    ConsultationProfile,
    MeetingKind,
    check_consultation_window,
    check_notice_publication,
    earliest_consultation_close,
    latest_notice_publication,
)
from publisher.rules.workcalendar import WorkCalendar
from publisher.timeutil import LOCAL_TZ

CITY = ConsultationProfile.CITY
INCLUSIVE = Counting.INCLUSIVE


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=LOCAL_TZ)


def test_inclusive_notice_counts_the_publication_day_before_work_starts(
    cal: WorkCalendar,
) -> None:
    """Plenary on Fri 2026-10-09: an office counting back 10-08, 09-30, 09-29 says 09-29."""
    deadline = latest_notice_publication(
        local(2026, 10, 9, 9, 30), MeetingKind.PLENARY, cal, counting=INCLUSIVE
    )
    assert deadline.instant == local(2026, 9, 29, 9)
    assert deadline.office_zh() == "最迟于2026年9月29日09:00前发布"
    assert deadline.explanation.counted == (
        dt.date(2026, 9, 29),
        dt.date(2026, 9, 30),
        dt.date(2026, 10, 8),
    )
    meeting = local(2026, 10, 9, 9, 30)
    check_notice_publication(
        local(2026, 9, 29, 8, 59), meeting, MeetingKind.PLENARY, cal, counting=INCLUSIVE
    )
    with pytest.raises(RuleViolation, match="09:00"):
        check_notice_publication(
            local(2026, 9, 29, 9, 1), meeting, MeetingKind.PLENARY, cal, counting=INCLUSIVE
        )


def test_inclusive_window_counts_both_ends_when_opened_before_work(cal: WorkCalendar) -> None:
    """'11月2日至11月6日（5个工作日）' is what offices publish; civil-code says 11-03 to 11-09."""
    office = earliest_consultation_close(local(2026, 11, 2, 8, 30), CITY, cal, counting=INCLUSIVE)
    assert office.instant == local(2026, 11, 7)
    assert office.office_zh().startswith("公示期：2026年11月2日至11月6日（5个工作日）")
    civil = earliest_consultation_close(local(2026, 11, 2, 8, 30), CITY, cal)
    assert civil.instant == local(2026, 11, 10)
    assert civil.office_zh() == "公示期：2026年11月3日至11月9日（5个工作日），截至11月9日24时"
    late = earliest_consultation_close(local(2026, 11, 2, 10), CITY, cal, counting=INCLUSIVE)
    assert late.instant == civil.instant  # work had begun: the day does not count


def test_when_the_working_day_starts_is_configurable(cal: WorkCalendar) -> None:
    opens = local(2026, 11, 2, 8, 45)
    early = earliest_consultation_close(
        opens, CITY, cal, counting=INCLUSIVE, workday_starts=dt.time(8, 30)
    )
    assert early.instant == local(2026, 11, 10)  # 08:45 is after an 08:30 start
    assert "08:30" in early.render_zh()


def test_each_explanation_states_the_convention_in_words_that_fit_its_rule(
    cal: WorkCalendar,
) -> None:
    """An inclusive notice does not count the meeting day, so it must not say 'both ends
    counted'; a window has no meeting day to mention."""
    notice = latest_notice_publication(
        local(2026, 10, 9, 9, 30), MeetingKind.PLENARY, cal, counting=INCLUSIVE
    ).render_zh()
    assert "首尾两日均计入" not in notice
    assert "会议当日不计入" in notice and "本机关公文惯例" in notice
    window = earliest_consultation_close(local(2026, 11, 2, 8, 30), CITY, cal).render_zh()
    assert "会议" not in window
    assert "第二百零一条" in window and "开始当日不计入" in window
    inclusive_window = earliest_consultation_close(
        local(2026, 11, 2, 8, 30), CITY, cal, counting=INCLUSIVE
    )
    assert "首尾两日均计入" in inclusive_window.render_zh()
    assert "both ends counted" in inclusive_window.render_en()
    civil_notice = latest_notice_publication(local(2026, 10, 9, 9, 30), MeetingKind.PLENARY, cal)
    assert "发布当日与会议当日均不计入" in civil_notice.render_zh()
    assert "Civil Code art. 201" in civil_notice.render_en()


def test_an_inclusive_30_day_window_in_the_first_loaded_year_is_not_refused(
    cal: WorkCalendar,
) -> None:
    """Counting the opening day, the count is anchored on the day before; on 1 January of the
    first loaded year that day is in a year not loaded, but nothing of it is looked at."""
    assert 2003 not in cal.covered_years
    opens = local(2004, 1, 1, 8)
    deadline = earliest_consultation_close(
        opens, ConsultationProfile.ORDER_713, cal, counting=INCLUSIVE
    )
    assert deadline.instant == local(2004, 1, 31)
    assert deadline.office_zh() == "公示期：2004年1月1日至1月30日（30日），截至1月30日24时"
    assert [s.year for s in deadline.explanation.sources] == [2004]


def test_a_refused_window_states_the_span_by_the_convention_in_force(cal: WorkCalendar) -> None:
    """Counted inclusively, the refusal used to say "开始之日不计" and name the 7th at 00:00."""
    opens = local(2026, 11, 2, 8, 30)
    with pytest.raises(RuleViolation) as info:
        check_consultation_window(opens, local(2026, 11, 6, 12), CITY, cal, counting=INCLUSIVE)
    message = info.value.message_zh
    assert "2026年11月6日 24:00" in message and "11月7日" not in message
    assert "2026年11月2日至11月6日（5个工作日）" in message
    assert "开始之日不计" not in message
    assert "2026-11-02 to 2026-11-06, counted inclusive" in info.value.message_en
    with pytest.raises(RuleViolation) as national:
        check_consultation_window(
            local(2026, 9, 7, 10), local(2026, 10, 8, 12), ConsultationProfile.ORDER_713, cal
        )
    assert "2026年10月8日 24:00" in national.value.message_zh
    assert "第30日逢休息日、节假日顺延" in national.value.message_zh
