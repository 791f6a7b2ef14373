"""Meeting notices and consultation windows, checked on holiday edges by reasoning."""

from __future__ import annotations

import datetime as dt

import pytest

from publisher.errors import CalendarNotCovered, RuleViolation, ValidationFailed
from publisher.rules.predisclosure import (
    CONSULTATION_RULES,
    NOTICE_RULES,
    ConsultationProfile,
    MeetingKind,
    check_consultation_window,
    check_notice_publication,
    earliest_consultation_close,
    latest_notice_publication,
    notice_leads,
)
from publisher.rules.workcalendar import WorkCalendar
from publisher.timeutil import LOCAL_TZ


def local(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, second, tzinfo=LOCAL_TZ)


MEETING_OCT_9 = local(2026, 10, 9, 9, 30)


def test_rule_data_cites_the_documents() -> None:
    plenary = NOTICE_RULES[MeetingKind.PLENARY]
    assert plenary.lead_working_days == 3 and plenary.fixed_by_rule
    assert "三政办〔2018〕45号" in plenary.citation.document_zh
    assert plenary.citation.article_zh == "第三条"
    assert not NOTICE_RULES[MeetingKind.EXECUTIVE].fixed_by_rule
    assert CONSULTATION_RULES[ConsultationProfile.CITY].minimum == 5
    assert CONSULTATION_RULES[ConsultationProfile.CITY].citation.article_zh == "第八条"
    assert "713" in CONSULTATION_RULES[ConsultationProfile.ORDER_713].citation.document_zh
    assert {k.value for k in MeetingKind} == {
        "plenary", "executive", "economic_work_conference", "other",
    }  # fmt: skip
    assert MeetingKind.ECONOMIC_WORK_CONFERENCE.label_zh == "全市经济工作会议"


def test_plenary_on_2026_10_09_latest_publication_is_end_of_09_28(cal: WorkCalendar) -> None:
    # Working days before Fri 10-09: Thu 10-08; 10-01..10-07 off; Wed 9-30; Tue 9-29. Three full
    # working days strictly between publication and meeting need publication on Mon 9-28 at the
    # latest (publishing on 9-29 leaves only 9-30 and 10-08).
    deadline = latest_notice_publication(MEETING_OCT_9, MeetingKind.PLENARY, cal)
    assert deadline.day == dt.date(2026, 9, 28)
    assert deadline.instant == local(2026, 9, 28, 23, 59, 59)
    assert deadline.explanation.counted == (
        dt.date(2026, 9, 29), dt.date(2026, 9, 30), dt.date(2026, 10, 8),
    )  # fmt: skip
    assert "国庆节" in deadline.render_zh() and "第三条" in deadline.render_zh()


def test_check_notice_publication_around_the_limit(cal: WorkCalendar) -> None:
    check_notice_publication(local(2026, 9, 28, 23, 59, 59), MEETING_OCT_9, "plenary", cal)  # type: ignore[arg-type]
    # 15:59 UTC on 9-28 is 23:59 in Shanghai: still on time.
    utc_ok = dt.datetime(2026, 9, 28, 15, 59, tzinfo=dt.UTC)
    check_notice_publication(utc_ok, MEETING_OCT_9, MeetingKind.PLENARY, cal)
    # 16:30 UTC on 9-28 is already 9-29 00:30 in Shanghai: too late.
    with pytest.raises(RuleViolation) as info:
        check_notice_publication(
            dt.datetime(2026, 9, 28, 16, 30, tzinfo=dt.UTC), MEETING_OCT_9, MeetingKind.PLENARY, cal
        )
    err = info.value
    assert "2026年9月28日 23:59" in err.message_zh
    assert "2026-09-28 23:59 Beijing time" in err.message_en
    assert "只余2个" in err.message_zh and "leaves 2" in err.message_en
    assert "第三条" in err.message_zh
    assert err.details["latest_publication"] == "2026-09-28T23:59:59+08:00"


def test_executive_meeting_default_lead_may_end_on_a_holiday(cal: WorkCalendar) -> None:
    # One working day (10-08) between publication and a 10-09 meeting: publishing on the
    # holiday 10-07 is the last chance.
    deadline = latest_notice_publication(MEETING_OCT_9, MeetingKind.EXECUTIVE, cal)
    assert deadline.day == dt.date(2026, 10, 7)
    with pytest.raises(RuleViolation):
        check_notice_publication(
            local(2026, 10, 8, 8, 0), MEETING_OCT_9, MeetingKind.EXECUTIVE, cal
        )


def test_plenary_after_spring_festival(cal: WorkCalendar) -> None:
    # Meeting Tue 2026-02-24: working days before it are Sat 2-14 (worked), Fri 2-13, Thu 2-12.
    deadline = latest_notice_publication(local(2026, 2, 24, 9, 0), MeetingKind.PLENARY, cal)
    assert deadline.day == dt.date(2026, 2, 11)
    assert dt.date(2026, 2, 14) in deadline.explanation.adjusted


def test_configured_leads(cal: WorkCalendar) -> None:
    leads = {MeetingKind.EXECUTIVE: 2}
    assert notice_leads(leads)[MeetingKind.EXECUTIVE] == 2
    deadline = latest_notice_publication(MEETING_OCT_9, MeetingKind.EXECUTIVE, cal, leads)
    assert deadline.day == dt.date(2026, 9, 29)  # 9-30 and 10-08 lie between
    with pytest.raises(ValidationFailed, match="at least 3"):
        notice_leads({MeetingKind.PLENARY: 2})
    with pytest.raises(ValidationFailed, match="at least 1"):
        notice_leads({MeetingKind.OTHER: 0})
    assert notice_leads({MeetingKind.PLENARY: 5})[MeetingKind.PLENARY] == 5


def test_meeting_in_uncovered_2027_is_refused(cal: WorkCalendar) -> None:
    with pytest.raises(CalendarNotCovered, match="2027"):
        latest_notice_publication(local(2027, 1, 6, 9, 0), MeetingKind.PLENARY, cal)


def test_naive_datetimes_are_refused(cal: WorkCalendar) -> None:
    naive = dt.datetime(2026, 10, 9, 9, 30)
    with pytest.raises(ValidationFailed, match="time-zone-aware"):
        latest_notice_publication(naive, MeetingKind.PLENARY, cal)
    with pytest.raises(ValidationFailed, match="publication_at"):
        check_notice_publication(naive, MEETING_OCT_9, MeetingKind.PLENARY, cal)
    with pytest.raises(ValidationFailed, match="opens_at"):
        earliest_consultation_close(naive, ConsultationProfile.CITY, cal)


# -- consultation windows --------------------------------------------------------------------

OPENS = local(2026, 9, 28, 10, 0)  # Monday before National Day


def test_city_window_across_national_day(cal: WorkCalendar) -> None:
    # After opening day 9-28: 9-29, 9-30, 10-08, 10-09, 10-10 (Saturday worked) = 5 working days,
    # so the earliest close is 00:00 on 10-11.
    deadline = earliest_consultation_close(OPENS, ConsultationProfile.CITY, cal)
    assert deadline.day == dt.date(2026, 10, 10)
    assert deadline.instant == local(2026, 10, 11, 0, 0)
    check_consultation_window(OPENS, local(2026, 10, 11, 0, 0), ConsultationProfile.CITY, cal)
    with pytest.raises(RuleViolation) as info:
        check_consultation_window(
            OPENS, local(2026, 10, 10, 18, 0), ConsultationProfile.CITY, cal, "urgent"
        )
    # the close at 00:00 on 10-11 reads as the end of 10-10, never as if 10-11 were open
    assert "2026年10月10日 24:00" in info.value.message_zh
    assert "10月11日" not in info.value.message_zh
    assert "2026-10-11 00:00 Beijing time" in info.value.message_en
    assert "第八条" in info.value.message_zh


def test_order_713_thirty_calendar_days(cal: WorkCalendar) -> None:
    # Opening day 9-28 not counted: 9-29..10-28 are the 30 days; close no earlier than 10-29 00:00.
    deadline = earliest_consultation_close(OPENS, ConsultationProfile.ORDER_713, cal)
    assert deadline.instant == local(2026, 10, 29, 0, 0)
    assert len(deadline.explanation.counted) == 30
    check_consultation_window(OPENS, local(2026, 10, 29, 0, 0), "order_713", cal)  # type: ignore[arg-type]


def test_order_713_shorter_window_needs_a_reason_and_respects_the_city_floor(
    cal: WorkCalendar,
) -> None:
    short = local(2026, 10, 20, 0, 0)
    with pytest.raises(RuleViolation) as info:
        check_consultation_window(OPENS, short, ConsultationProfile.ORDER_713, cal)
    assert "2026年10月28日 24:00" in info.value.message_zh
    # the close at 00:00 on 10-11 reads as the end of 10-10, never as if 10-11 were open
    assert "2026年10月10日 24:00" in info.value.message_zh
    assert "10月11日" not in info.value.message_zh
    with pytest.raises(RuleViolation):
        check_consultation_window(OPENS, short, ConsultationProfile.ORDER_713, cal, "   ")
    check_consultation_window(OPENS, short, ConsultationProfile.ORDER_713, cal, "情况紧急")
    with pytest.raises(RuleViolation, match="2026-10-11 00:00 Beijing time"):
        check_consultation_window(
            OPENS, local(2026, 10, 10, 12, 0), ConsultationProfile.ORDER_713, cal, "情况紧急"
        )


def test_window_closing_before_it_opens_is_refused(cal: WorkCalendar) -> None:
    with pytest.raises(ValidationFailed):
        check_consultation_window(OPENS, OPENS, ConsultationProfile.CITY, cal)


def test_window_reaching_into_2027_is_refused(cal: WorkCalendar) -> None:
    # From Thu 12-24: 12-25, 12-28, 12-29, 12-30, 12-31 -> close at 2027-01-01 00:00, which is the
    # end of a covered day; from Mon 12-28 the 5th working day would be in 2027.
    ok = earliest_consultation_close(local(2026, 12, 24, 9, 0), ConsultationProfile.CITY, cal)
    assert ok.instant == local(2027, 1, 1, 0, 0)
    with pytest.raises(CalendarNotCovered, match="2027"):
        earliest_consultation_close(local(2026, 12, 28, 9, 0), ConsultationProfile.CITY, cal)
