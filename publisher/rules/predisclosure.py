"""The two pre-disclosure rules as data with their citations, and the deadlines they imply.

Rule 1 (meetings): an advance notice before a major meeting, at least N working days ahead.
Rule 2 (decisions): a public consultation window of at least N working days (city) or, under
the stricter national profile, generally 30 calendar days.

Counting follows docs/working-days.md: the day of an act is not counted; "N working days before
a meeting" means N full working days strictly between the publication day and the meeting day;
a window "of at least N working days" holds N full working days after its opening day. Limits are
day-granular in Asia/Shanghai.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, replace
from enum import StrEnum
from types import MappingProxyType

from publisher.errors import RuleViolation, ValidationFailed
from publisher.rules.deadline import (
    Citation,
    Counting,
    Deadline,
    Rule,
    explanation_span,
    provisional_until,
)
from publisher.rules.workcalendar import DeadlineExplanation, SkippedDay, WorkCalendar
from publisher.timeutil import (
    LOCAL_TZ,
    end_of_local_day,
    format_local,
    format_local_en,
    format_local_end,
    local_date,
    start_of_local_day,
    to_local,
)

#: when the working day starts, for the inclusive convention (configurable in settings)
WORKDAY_STARTS = dt.time(9, 0)

__all__ = [
    "CONSULTATION_RULES",
    "DEFAULT_NOTICE_LEADS",
    "NOTICE_RULES",
    "Citation",
    "ConsultationProfile",
    "ConsultationRule",
    "Counting",
    "Deadline",
    "MeetingKind",
    "NoticeRule",
    "check_consultation_window",
    "check_notice_publication",
    "earliest_consultation_close",
    "latest_notice_publication",
    "notice_leads",
]


MEETING_RULES_DOC = "《三门峡市政府重大会议预公开制度》（三政办〔2018〕45号）"
DECISION_RULES_DOC = "《三门峡市政府重大行政决策预公开制度》（三政办〔2018〕45号）"

_MEETING_ART3 = Citation(
    document_zh=MEETING_RULES_DOC,
    article_zh="第三条",
    quote_zh="其中，市政府全体会议要提前3天发布公开预告，其他会议根据实际情况提前发布。",
    summary_en="Sanmenxia major-meeting pre-disclosure rules, art. 3: the plenary meeting's "
    "advance notice goes out at least 3 days ahead (counted here as working days); other "
    "meetings as circumstances require.",
)


class MeetingKind(StrEnum):
    PLENARY = "plenary"
    EXECUTIVE = "executive"
    ECONOMIC_WORK_CONFERENCE = "economic_work_conference"
    OTHER = "other"

    @property
    def label_zh(self) -> str:
        return _MEETING_LABELS_ZH[self]


_MEETING_LABELS_ZH = {
    MeetingKind.PLENARY: "市政府全体会议",
    MeetingKind.EXECUTIVE: "市政府常务会议",
    MeetingKind.ECONOMIC_WORK_CONFERENCE: "全市经济工作会议",
    MeetingKind.OTHER: "其他重要会议",
}


@dataclass(frozen=True)
class NoticeRule:
    """The notice lead of one meeting kind. ``fixed_by_rule``: the lead is the rule's minimum
    and cannot be shortened; otherwise it is the office's own choice (第三条 "根据实际情况")."""

    kind: MeetingKind
    lead_working_days: int
    fixed_by_rule: bool
    citation: Citation


NOTICE_RULES: Mapping[MeetingKind, NoticeRule] = MappingProxyType(
    {
        MeetingKind.PLENARY: NoticeRule(MeetingKind.PLENARY, 3, True, _MEETING_ART3),
        # The three below are office choices under "其他会议根据实际情况提前发布".
        MeetingKind.EXECUTIVE: NoticeRule(MeetingKind.EXECUTIVE, 1, False, _MEETING_ART3),
        MeetingKind.ECONOMIC_WORK_CONFERENCE: NoticeRule(
            MeetingKind.ECONOMIC_WORK_CONFERENCE, 3, False, _MEETING_ART3
        ),
        MeetingKind.OTHER: NoticeRule(MeetingKind.OTHER, 1, False, _MEETING_ART3),
    }
)

DEFAULT_NOTICE_LEADS: Mapping[MeetingKind, int] = MappingProxyType(
    {k: r.lead_working_days for k, r in NOTICE_RULES.items()}
)


def notice_leads(overrides: Mapping[MeetingKind, int] | None = None) -> dict[MeetingKind, int]:
    """The leads in force: defaults with the office's overrides. The office may lengthen the
    plenary lead but never go below the rule's 3; every lead is at least 1 working day."""
    leads = dict(DEFAULT_NOTICE_LEADS)
    for kind, lead in (overrides or {}).items():
        kind = MeetingKind(kind)
        rule = NOTICE_RULES[kind]
        if lead < 1 or (rule.fixed_by_rule and lead < rule.lead_working_days):
            floor = rule.lead_working_days if rule.fixed_by_rule else 1
            raise ValidationFailed(
                f"notice lead for {kind.value} meetings must be at least {floor} working day(s), "
                f"got {lead}",
                f"{kind.label_zh}的预告提前量不得少于{floor}个工作日（设置为{lead}）",
                kind=kind.value,
                lead=lead,
            )
        leads[kind] = lead
    return leads


class ConsultationProfile(StrEnum):
    CITY = "city"
    ORDER_713 = "order_713"


@dataclass(frozen=True)
class ConsultationRule:
    profile: ConsultationProfile
    minimum: int
    unit: str  # "working_days" or "calendar_days"
    citation: Citation


CONSULTATION_RULES: Mapping[ConsultationProfile, ConsultationRule] = MappingProxyType(
    {
        ConsultationProfile.CITY: ConsultationRule(
            ConsultationProfile.CITY,
            5,
            "working_days",
            Citation(
                document_zh=DECISION_RULES_DOC,
                article_zh="第八条",
                quote_zh="预公开时间原则上不少于5个工作日。",
                summary_en="Sanmenxia decision pre-disclosure rules, art. 8: the pre-disclosure "
                "period is in principle not less than 5 working days.",
            ),
        ),
        ConsultationProfile.ORDER_713: ConsultationRule(
            ConsultationProfile.ORDER_713,
            30,
            "calendar_days",
            Citation(
                document_zh="《重大行政决策程序暂行条例》（国务院令第713号）",
                article_zh="第十四条",
                quote_zh="公开征求意见的期限一般不少于30日；因情况紧急等原因需要缩短期限的，"
                "公开征求意见时应当予以说明。",
                summary_en="State Council Order No. 713, art. 14: a public comment period is "
                "generally not less than 30 days; a shorter one must be explained when the "
                "consultation opens.",
            ),
        ),
    }
)


def _aware(instant: dt.datetime, what: str) -> dt.datetime:
    if not isinstance(instant, dt.datetime) or instant.tzinfo is None:
        raise ValidationFailed(
            f"{what} must be a time-zone-aware datetime",
            f"{what}必须带时区",
            field=what,
        )
    return instant


# --------------------------------------------------------------------------------------------
# Rule 1: meeting notices
# --------------------------------------------------------------------------------------------


def latest_notice_publication(
    meeting_start: dt.datetime,
    kind: MeetingKind,
    calendar: WorkCalendar,
    leads: Mapping[MeetingKind, int] | None = None,
    *,
    counting: Counting = Counting.CIVIL_CODE,
    workday_starts: dt.time = WORKDAY_STARTS,
) -> Deadline:
    """The last lawful instant to publish the notice.

    civil-code: the end (23:59:59 local) of the day before the N-th working day before the
    meeting day, so that N full working days lie strictly between publication and meeting;
    that day may itself be a weekend or holiday. inclusive: the start of the working day
    (``workday_starts``) on the N-th working day before the meeting, so that, counting the day
    of publication, N working days come before the meeting day."""
    meeting_day = local_date(_aware(meeting_start, "meeting_start"))
    kind = MeetingKind(kind)
    n = notice_leads(leads)[kind]
    calendar.kind(meeting_day)
    nth = calendar.nth_working_day_before(meeting_day, n)
    if counting is Counting.INCLUSIVE:
        latest_day = nth
        instant = dt.datetime.combine(nth, workday_starts, tzinfo=LOCAL_TZ)
        explanation = calendar.explain_working_days_from(nth, meeting_day)
    else:
        latest_day = nth - dt.timedelta(days=1)
        calendar.kind(latest_day)  # refuses if that day falls in an uncovered year
        instant = end_of_local_day(latest_day)
        explanation = calendar.explain_working_days_between(latest_day, meeting_day)
    return Deadline(
        instant=instant,
        day=latest_day,
        explanation=_with_basis(explanation, counting, "notice", workday_starts),
        citation=NOTICE_RULES[kind].citation,
        provisional_until_year=provisional_until(calendar, *explanation_span(explanation)),
        counting=counting,
    )


def _with_basis(
    explanation: DeadlineExplanation, counting: Counting, rule: Rule, workday_starts: dt.time
) -> DeadlineExplanation:
    return replace(explanation, notes=(*explanation.notes, counting.basis(rule, workday_starts)))


def check_notice_publication(
    publication_at: dt.datetime,
    meeting_start: dt.datetime,
    kind: MeetingKind,
    calendar: WorkCalendar,
    leads: Mapping[MeetingKind, int] | None = None,
    *,
    counting: Counting = Counting.CIVIL_CODE,
    workday_starts: dt.time = WORKDAY_STARTS,
) -> None:
    """Refuse a notice published after the latest lawful moment, saying when it had to be out."""
    _aware(publication_at, "publication_at")
    deadline = latest_notice_publication(
        meeting_start, kind, calendar, leads, counting=counting, workday_starts=workday_starts
    )
    on_time = (
        publication_at <= deadline.instant
        if counting is Counting.INCLUSIVE
        else local_date(publication_at) <= deadline.day
    )
    if on_time:
        return
    kind = MeetingKind(kind)
    n = notice_leads(leads)[kind]
    pub_day, meeting_day = local_date(publication_at), local_date(meeting_start)
    counted = calendar.working_days_between(pub_day, meeting_day) if pub_day <= meeting_day else 0
    rule = NOTICE_RULES[kind]
    basis_zh = rule.citation.render_zh() if rule.fixed_by_rule else "本办公室对该类会议设定的提前量"
    basis_en = rule.citation.summary_en if rule.fixed_by_rule else "the office's lead for this kind"
    raise RuleViolation(
        f"The advance notice of the {kind.value} meeting on {format_local_en(meeting_start)} "
        f"must be published by {format_local_en(deadline.instant)} so that {n} full working "
        f"day(s) lie between publication and meeting; publishing at "
        f"{format_local_en(publication_at)} leaves {counted}. Basis: {basis_en}",
        f"{kind.label_zh}（{format_local(meeting_start)}召开）的公开预告{deadline.office_zh()}"
        f"（{format_local(deadline.instant)}前），使会议日之前有{n}个工作日；"
        f"于{format_local(publication_at)}发布只余{counted}个。依据：{basis_zh}",
        latest_publication=deadline.instant.isoformat(),
        lead_working_days=n,
        working_days_left=counted,
    )


# --------------------------------------------------------------------------------------------
# Rule 2: consultation windows
# --------------------------------------------------------------------------------------------


def earliest_consultation_close(
    opens_at: dt.datetime,
    profile: ConsultationProfile,
    calendar: WorkCalendar,
    *,
    counting: Counting = Counting.CIVIL_CODE,
    workday_starts: dt.time = WORKDAY_STARTS,
) -> Deadline:
    """The earliest lawful closing instant: 00:00 local of the day after the last required day.

    city: the N-th working day after the opening day (N full working days after it).
    order_713: the 30th calendar day after the opening day (the opening day not counted); when
    that day is a weekend or holiday, the period ends on the next working day (Civil Code
    art. 203). Either way a day in a year not loaded refuses (CalendarNotCovered).
    """
    open_day = local_date(_aware(opens_at, "opens_at"))
    rule = CONSULTATION_RULES[ConsultationProfile(profile)]
    calendar.kind(open_day)
    # inclusive: the opening day is the first day when the window opens before work starts
    first_counts = counting is Counting.INCLUSIVE and to_local(opens_at).time() <= workday_starts
    if rule.unit == "working_days":
        if first_counts and calendar.is_working_day(open_day):
            explanation = calendar.explain_add_working_days_inclusive(open_day, rule.minimum)
        else:
            explanation = calendar.explain_add_working_days(open_day, rule.minimum)
        assert explanation.result is not None
        last = explanation.result
    else:
        start = open_day - dt.timedelta(days=1) if first_counts else open_day
        last, explanation = _calendar_day_period(start, rule.minimum, calendar)
    explanation = _with_basis(explanation, counting, "window", workday_starts)
    close_day = last + dt.timedelta(days=1)
    return Deadline(
        instant=start_of_local_day(close_day),
        day=last,
        explanation=explanation,
        citation=rule.citation,
        provisional_until_year=provisional_until(calendar, *explanation_span(explanation)),
        counting=counting,
        working_days=rule.minimum if rule.unit == "working_days" else None,
        first_day=open_day if first_counts else open_day + dt.timedelta(days=1),
    )


def _calendar_day_period(
    open_day: dt.date, n: int, calendar: WorkCalendar
) -> tuple[dt.date, DeadlineExplanation]:
    """The N-th calendar day after the opening day, moved past weekends and holidays to the
    next working day (Civil Code art. 203, 法定休假日 read as courts do: rest days included)."""
    nominal = open_day + dt.timedelta(days=n)
    last = nominal
    rolled: list[SkippedDay] = []
    while not calendar.is_working_day(last):  # refuses a day in a year not loaded
        rolled.append(SkippedDay(last, calendar.kind(last), calendar.holiday_name(last)))
        last += dt.timedelta(days=1)
    notes = [
        (
            "按自然日计算（开始之日不计）。",
            "Counted in calendar days (the opening day not counted).",
        )
    ]
    if rolled:
        notes.append(
            (
                f"第{n}日（{nominal.month}月{nominal.day}日）为法定休假日，依《中华人民共和国民法典》"
                f"第二百零三条，以休假日结束的次日（{last.month}月{last.day}日）为期间的最后一日。",
                f"Day {n} ({nominal.isoformat()}) is a rest day or holiday: under Civil Code "
                f"art. 203 the period ends on the next working day, {last.isoformat()}.",
            )
        )
    # the years of the counted days: for an inclusive count the anchor is the day before the
    # opening, which may be the last day of a year not loaded and is never looked at
    years = sorted({(open_day + dt.timedelta(days=1)).year, last.year})
    explanation = DeadlineExplanation(
        operation="calendar_days",
        anchor=open_day,
        n=n,
        result=last,
        counted=tuple(open_day + dt.timedelta(days=i) for i in range(1, n + 1)),
        skipped=tuple(rolled),
        adjusted=(),
        sources=tuple(calendar.source(y) for y in years),
        notes=tuple(notes),
    )
    return last, explanation


def check_consultation_window(
    opens_at: dt.datetime,
    closes_at: dt.datetime,
    profile: ConsultationProfile,
    calendar: WorkCalendar,
    shorter_reason: str | None = None,
    *,
    counting: Counting = Counting.CIVIL_CODE,
    workday_starts: dt.time = WORKDAY_STARTS,
) -> None:
    """Refuse a window that is too short. Under order_713 a shorter window is allowed only with a
    stated reason (to be shown publicly) and never below the city's 5 working days."""
    _aware(opens_at, "opens_at")
    _aware(closes_at, "closes_at")
    if closes_at <= opens_at:
        raise ValidationFailed(
            "the consultation must close after it opens", "征求意见截止时间必须晚于开始时间"
        )
    profile = ConsultationProfile(profile)
    city = earliest_consultation_close(
        opens_at,
        ConsultationProfile.CITY,
        calendar,
        counting=counting,
        workday_starts=workday_starts,
    )
    if profile is ConsultationProfile.ORDER_713:
        national = earliest_consultation_close(
            opens_at, profile, calendar, counting=counting, workday_starts=workday_starts
        )
        if closes_at >= national.instant:
            return
        reason = (shorter_reason or "").strip()
        if not reason:
            raise RuleViolation(
                f"Under Order No. 713 the consultation must stay open until at least "
                f"{format_local_en(national.instant)} ({_span_en(national)}); a shorter "
                f"window needs a reason stated publicly, and even then may not close before "
                f"{format_local_en(city.instant)} (the city's 5 working days).",
                f"按《重大行政决策程序暂行条例》（国务院令第713号）第十四条，征求意见期最早可于"
                f"{format_local_end(national.instant)}截止，即{national.span_zh()}；缩短期限须在"
                f"征求意见时公开说明理由，且不得早于{format_local_end(city.instant)}"
                f"（本市规定的5个工作日）。",
                earliest_close=national.instant.isoformat(),
                earliest_close_with_reason=city.instant.isoformat(),
            )
    if closes_at < city.instant:
        raise RuleViolation(
            f"The consultation may not close before {format_local_en(city.instant)}: the window "
            f"must contain 5 full working days ({_span_en(city)}). "
            f"Basis: {city.citation.summary_en}",
            f"征求意见最早可于{format_local_end(city.instant)}截止，须满5个完整工作日，"
            f"即{city.span_zh()}。"
            f"依据：{city.citation.render_zh()}",
            earliest_close=city.instant.isoformat(),
        )


def _span_en(deadline: Deadline) -> str:
    """The counted span in words, following the convention in force (not always "after the
    opening day": counted inclusively, the opening day may be the first)."""
    assert deadline.first_day is not None
    return (
        f"{deadline.first_day.isoformat()} to {deadline.day.isoformat()}, "
        f"counted {deadline.counting.value}"
    )
