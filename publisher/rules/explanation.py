"""How a date was counted, in words: the days counted and skipped and why, the notices relied
on (with the later notices that set some of the days). Shown to staff and the public."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Literal

from publisher.rules.calendar_data import DayKind

_WEEKDAYS_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_WEEKDAYS_ZH = ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")
_HOLIDAY_EN = {
    "元旦": "New Year's Day",
    "春节": "Spring Festival",
    "清明节": "Tomb-Sweeping Day",
    "劳动节": "Labour Day",
    "端午节": "Dragon Boat Festival",
    "中秋节": "Mid-Autumn Festival",
    "国庆节": "National Day",
    "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日": "70th anniversary of the victory",
}


@dataclass(frozen=True)
class Amendment:
    """A later notice that set some of a year's days (e.g. the next year's notice setting the
    last days of December)."""

    title: str
    url: str
    days: tuple[dt.date, ...]  # empty: the whole year

    def concerns(self, days: frozenset[dt.date]) -> bool:
        return not self.days or not days.isdisjoint(self.days)


@dataclass(frozen=True)
class YearSource:
    """Which file and which notice a year's answers come from."""

    year: int
    path: str
    notice_title: str | None
    notice_url: str | None
    built_from: str
    amendments: tuple[Amendment, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "year": self.year,
            "path": self.path,
            "notice_title": self.notice_title,
            "notice_url": self.notice_url,
            "built_from": self.built_from,
            "amendments": [
                {"title": a.title, "url": a.url, "days": [d.isoformat() for d in a.days]}
                for a in self.amendments
            ],
        }


@dataclass(frozen=True)
class SkippedDay:
    """A day passed over in a count, and why (weekend, or the holiday's name)."""

    day: dt.date
    kind: DayKind
    name: str | None = None

    def reason_zh(self) -> str:
        if self.kind is DayKind.HOLIDAY:
            return f"法定节假日（{self.name}）" if self.name else "法定节假日"
        return f"周末（{_WEEKDAYS_ZH[self.day.weekday()]}）"

    def reason_en(self) -> str:
        if self.kind is DayKind.HOLIDAY:
            label = _HOLIDAY_EN.get(self.name or "", self.name or "")
            return f"statutory holiday ({label})" if label else "statutory holiday"
        return f"weekend ({_WEEKDAYS_EN[self.day.weekday()]})"


Operation = Literal["add", "add_inclusive", "before", "between", "from", "calendar_days"]


@dataclass(frozen=True)
class DeadlineExplanation:
    """How a date was counted: the days counted, the days skipped and why, and the sources.

    ``anchor`` is the day the count starts from (never counted itself); ``result`` the day
    reached (None for a plain count).
    """

    operation: Operation
    anchor: dt.date
    n: int
    result: dt.date | None
    counted: tuple[dt.date, ...]
    skipped: tuple[SkippedDay, ...]
    adjusted: tuple[dt.date, ...]
    sources: tuple[YearSource, ...]
    notes: tuple[tuple[str, str], ...] = field(default=())

    def _days(self) -> frozenset[dt.date]:
        days = {self.anchor, *self.counted, *self.adjusted, *(s.day for s in self.skipped)}
        if self.result is not None:
            days.add(self.result)
        return frozenset(days)

    def amendments_cited(self) -> list[tuple[YearSource, Amendment]]:
        """The later notices that set a day this count touched."""
        days = self._days()
        return [(s, a) for s in self.sources for a in s.amendments if a.concerns(days)]

    def _sources_zh(self) -> list[str]:
        lines = []
        for s in self.sources:
            notice = s.notice_title or "（未记录通知标题）"
            url = f" {s.notice_url}" if s.notice_url else ""
            lines.append(f"  {s.year}年：{notice}{url}；文件 {s.path}；来源 {s.built_from}")
        for s, a in self.amendments_cited():
            days = "、".join(f"{d.month}月{d.day}日" for d in a.days) or "全年"
            lines.append(f"  {s.year}年{days}的安排：{a.title} {a.url}")
        return lines

    def render_zh(self) -> str:
        """Plain Chinese for staff and the public."""
        unit = "个自然日" if self.operation == "calendar_days" else "个工作日"
        if self.operation == "add":
            head = f"自{_d_zh(self.anchor)}（当日不计）起算第{self.n}{unit}为{_d_zh(self.result)}。"
        elif self.operation == "add_inclusive":
            head = f"自{_d_zh(self.anchor)}（当日计入）起算第{self.n}{unit}为{_d_zh(self.result)}。"
        elif self.operation == "from":
            head = (
                f"自{_d_zh(self.anchor)}（当日计入）至{_d_zh(self.result)}（当日不计）"
                f"共有{self.n}{unit}。"
            )
        elif self.operation == "before":
            head = f"{_d_zh(self.anchor)}（当日不计）之前第{self.n}{unit}为{_d_zh(self.result)}。"
        elif self.operation == "calendar_days":
            head = (
                f"自{_d_zh(self.anchor)}（当日不计）起算满{self.n}{unit}，"
                f"期间最后一日为{_d_zh(self.result)}。"
            )
        else:
            head = f"{_d_zh(self.anchor)}与{_d_zh(self.result)}之间（两端不计）共有{self.n}{unit}。"
        lines = [head]
        if self.counted:
            lines.append("计入：" + "、".join(_d_zh(d) for d in self.counted))
        if self.adjusted:
            lines.append("其中调休上班日：" + "、".join(_d_zh(d) for d in self.adjusted))
        if self.skipped:
            lines.append(
                "跳过：" + "；".join(f"{_d_zh(s.day)} {s.reason_zh()}" for s in self.skipped)
            )
        lines.extend(zh for zh, _ in self.notes)
        if self.sources:
            lines.append("依据：")
            lines.extend(self._sources_zh())
        return "\n".join(lines)

    def render_en(self) -> str:
        unit = "calendar day" if self.operation == "calendar_days" else "working day"
        if self.operation == "add":
            head = (
                f"{self.n} {unit}(s) after {_d_en(self.anchor)} (that day not counted): "
                f"{_d_en(self.result)}."
            )
        elif self.operation == "add_inclusive":
            head = (
                f"{unit.capitalize()} no. {self.n} counting from {_d_en(self.anchor)} (that day "
                f"counted): {_d_en(self.result)}."
            )
        elif self.operation == "from":
            head = (
                f"{self.n} {unit}(s) from {_d_en(self.anchor)} (counted) up to "
                f"{_d_en(self.result)} (not counted)."
            )
        elif self.operation == "calendar_days":
            head = (
                f"{self.n} {unit}s after {_d_en(self.anchor)} (that day not counted); the "
                f"period's last day is {_d_en(self.result)}."
            )
        elif self.operation == "before":
            head = (
                f"{unit.capitalize()} no. {self.n} before {_d_en(self.anchor)} "
                "(that day not counted): "
                f"{_d_en(self.result)}."
            )
        else:
            head = (
                f"{self.n} full {unit}(s) strictly between {_d_en(self.anchor)} and "
                f"{_d_en(self.result)}."
            )
        lines = [head]
        if self.counted:
            lines.append("Counted: " + ", ".join(d.isoformat() for d in self.counted))
        if self.adjusted:
            lines.append(
                "Of which adjusted working days (weekend worked): "
                + ", ".join(d.isoformat() for d in self.adjusted)
            )
        if self.skipped:
            lines.append(
                "Skipped: "
                + "; ".join(f"{s.day.isoformat()} {s.reason_en()}" for s in self.skipped)
            )
        lines.extend(en for _, en in self.notes)
        for s in self.sources:
            notice = s.notice_title or "(no notice recorded)"
            lines.append(
                f"Source {s.year}: {notice} {s.notice_url or ''} [{s.built_from}] {s.path}"
            )
        for s, a in self.amendments_cited():
            days = ", ".join(d.isoformat() for d in a.days) or "the whole year"
            lines.append(f"Days {days} of {s.year} set by: {a.title} {a.url}")
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        return {
            "operation": self.operation,
            "anchor": self.anchor.isoformat(),
            "n": self.n,
            "result": self.result.isoformat() if self.result else None,
            "counted": [d.isoformat() for d in self.counted],
            "adjusted_workdays": [d.isoformat() for d in self.adjusted],
            "skipped": [
                {"date": s.day.isoformat(), "kind": s.kind.value, "name": s.name}
                for s in self.skipped
            ],
            "sources": [s.to_dict() for s in self.sources],
            "notes": [{"zh": zh, "en": en} for zh, en in self.notes],
        }


def _d_zh(day: dt.date | None) -> str:
    if day is None:
        return "—"
    return f"{day.year}年{day.month}月{day.day}日（{_WEEKDAYS_ZH[day.weekday()]}）"


def _d_en(day: dt.date | None) -> str:
    return "—" if day is None else f"{day.isoformat()} ({_WEEKDAYS_EN[day.weekday()][:3]})"
