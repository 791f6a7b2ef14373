"""A deadline as the service states it: the exact instant, the day, the office's wording, the
counting convention and its basis, whether it is provisional, and how it was counted."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

from publisher.rules.explanation import DeadlineExplanation
from publisher.rules.workcalendar import WorkCalendar
from publisher.timeutil import format_local_end, to_local


@dataclass(frozen=True)
class Citation:
    """Where a rule comes from, quoted so that staff and the public can check it."""

    document_zh: str
    article_zh: str
    quote_zh: str
    summary_en: str

    def render_zh(self) -> str:
        return f"{self.document_zh}{self.article_zh}：“{self.quote_zh}”"


class Counting(StrEnum):
    """How the days of a period are counted; chosen per rule in settings, shown in every
    explanation (docs/working-days.md)."""

    CIVIL_CODE = "civil-code"
    INCLUSIVE = "inclusive"

    def basis(self, rule: Rule, workday_starts: dt.time) -> tuple[str, str]:
        """(Chinese, English) statement of the convention and its basis, worded for the rule:
        a notice's meeting day is never counted, a window's last day always is."""
        zh, en = _COUNTING_BASIS[self, rule]
        at = f"{workday_starts:%H:%M}"
        return zh.format(at=at), en.format(at=at)


#: which rule a period belongs to: a meeting notice's lead or a consultation window
Rule = Literal["notice", "window"]

_CIVIL_ZH = "计算方法：按《中华人民共和国民法典》第二百零一条，开始的当日不计入，自下一日开始计算："
_CIVIL_EN = (
    "Counting: Civil Code art. 201: the day of the act is not counted, counting starts the "
    "next day: "
)
_OFFICE_ZH = "计算方法：按本机关公文惯例（非法定计算方法）："
_OFFICE_EN = "Counting: the office's convention (not the statutory one): "
_COUNTING_BASIS: dict[tuple[Counting, Rule], tuple[str, str]] = {
    (Counting.CIVIL_CODE, "notice"): (
        _CIVIL_ZH + "发布当日与会议当日均不计入。",
        _CIVIL_EN + "neither the day of publication nor the meeting day is counted.",
    ),
    (Counting.CIVIL_CODE, "window"): (
        _CIVIL_ZH + "开始当日不计入，期间最后一日计入（截至该日24时）。",
        _CIVIL_EN + "the opening day is not counted, the period's last day is (until 24:00).",
    ),
    (Counting.INCLUSIVE, "notice"): (
        _OFFICE_ZH + "于上班时间（{at}）前发布的，发布当日计入；会议当日不计入。",
        _OFFICE_EN + "the day of publication counts when the notice is out before the working "
        "day starts ({at}); the meeting day is not counted.",
    ),
    (Counting.INCLUSIVE, "window"): (
        _OFFICE_ZH + "首尾两日均计入；于上班时间（{at}）前开始的，开始当日计入。",
        _OFFICE_EN + "both ends counted; the opening day counts when the window opens before "
        "the working day starts ({at}).",
    ),
}


#: from this day of December, a deadline may still move when the next year is announced
PROVISIONAL_FROM = (12, 20)


@dataclass(frozen=True)
class Deadline:
    """A limit instant (aware, Asia/Shanghai), the local day it closes, why, and the rule.

    ``provisional_until_year``: the deadline counts days in late December of the last loaded
    year, and the next year's State Council notice has changed such days before (2007-12-29/31,
    2011-12-31, 2018-12-29/31); it stands "以该年节假日安排发布为准" until that year is loaded.
    """

    instant: dt.datetime
    day: dt.date
    explanation: DeadlineExplanation
    citation: Citation
    provisional_until_year: int | None = None
    counting: Counting = Counting.CIVIL_CODE
    #: for a window of N working days: N, and its first counted day (for the office wording)
    working_days: int | None = None
    first_day: dt.date | None = None

    def office_zh(self) -> str:
        """The deadline as an office writes it, beside the exact instant: "最迟于2026年9月28日
        发布" for a notice, "公示期：2026年11月3日至11月9日（5个工作日）" for a window. A
        window closing at 00:00 on the 11th is "截至12月10日24时", never "the 11th"."""
        if self.first_day is None:  # a notice: the last day it may go out
            if self.counting is Counting.INCLUSIVE:
                return f"最迟于{_day_zh(self.day)}{to_local(self.instant):%H:%M}前发布"
            return f"最迟于{_day_zh(self.day)}发布"
        return f"公示期：{self.span_zh()}，截至{_day_zh(self.day, self.first_day.year)}24时"

    def span_zh(self) -> str:
        """A window's counted days: "2026年11月3日至11月9日（5个工作日）"."""
        assert self.first_day is not None, "a notice has no span"
        span = f"{_day_zh(self.first_day)}至{_day_zh(self.day, self.first_day.year)}"
        size = f"{self.working_days}个工作日" if self.working_days else self._calendar_days_zh()
        return f"{span}（{size}）"

    def _calendar_days_zh(self) -> str:
        """'30日', saying when the last day moved past a rest day or holiday (art. 203), so
        that a 31-day span never reads as a miscount."""
        n = self.explanation.n
        if not self.explanation.skipped:
            return f"{n}日"
        return f"{n}日，第{n}日逢休息日、节假日顺延"

    @property
    def provisional(self) -> bool:
        return self.provisional_until_year is not None

    def provisional_zh(self) -> str:
        year = self.provisional_until_year
        return f"暂定：以{year}年节假日安排发布为准。" if year else ""

    def render_zh(self) -> str:
        note = f"\n{self.provisional_zh()}" if self.provisional else ""
        return (
            f"{self.office_zh()}（时限：{format_local_end(self.instant)}）{note}\n"
            f"依据：{self.citation.render_zh()}\n" + self.explanation.render_zh()
        )

    def render_en(self) -> str:
        note = (
            f"\nProvisional until the {self.provisional_until_year} holiday arrangement "
            "is published (it may change the last days of December)."
            if self.provisional
            else ""
        )
        return (
            f"Limit: {self.instant.isoformat()}{note}\nRule: {self.citation.summary_en}\n"
            + self.explanation.render_en()
        )


def _day_zh(day: dt.date, same_year: int | None = None) -> str:
    """2026年11月3日, or 11月9日 when the year was just said."""
    prefix = "" if same_year == day.year else f"{day.year}年"
    return f"{prefix}{day.month}月{day.day}日"


def provisional_until(calendar: WorkCalendar, *days: dt.date) -> int | None:
    """The next year whose notice could still change a late-December day of this count."""
    for day in sorted(days, reverse=True):
        if (day.month, day.day) >= PROVISIONAL_FROM and day.year + 1 not in calendar.covered_years:
            return day.year + 1
    return None


def explanation_span(explanation: DeadlineExplanation) -> tuple[dt.date, ...]:
    days = [explanation.anchor, *explanation.counted, *(s.day for s in explanation.skipped)]
    if explanation.result is not None:
        days.append(explanation.result)
    return tuple(days)
