"""Entering a new year's working-day arrangement from the State Council notice (issue #12).

Each December the State Council publishes 国务院办公厅关于YYYY年部分节假日安排的通知; until the
year is installed, no deadline touching it can be computed. An administrator types the notice
in on `/staff/calendar`: the holiday periods, the adjusted working days, the notice's title,
number and address. It is validated exactly as a year file is, shown as twelve month grids,
and installed into the database like `publisher calendar load`: every process of the service,
on every machine, uses it at its next check (`store.CalendarSource`). The install is audited.
"""

from __future__ import annotations

import calendar as month_calendar
import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError
from sqlalchemy.orm import Session

from publisher.errors import Conflict, ValidationFailed
from publisher.rules.calendar_data import (
    DayKind,
    NamedDay,
    YearFile,
    YearSourceInfo,
    check_year_file,
    parse_year_file,
    read_year_file,
)
from publisher.rules.workcalendar import WorkCalendar
from publisher.staff import audit
from publisher.staff.principal import StaffPrincipal
from publisher.storage.db import write_unit
from publisher.workdays.models import InstalledYear
from publisher.workdays.store import CalendarSource, installed_version

__all__ = [
    "CalendarSource",
    "MonthGrid",
    "YearEntry",
    "install_year",
    "installed_arrangement",
    "month_grids",
    "parse_entry",
]

_DATE = r"\d{4}-\d{2}-\d{2}"
#: "春节 2027-02-05 2027-02-11", "春节 2027-02-05至2027-02-11", or one day "元旦 2027-01-01"
_LINE = re.compile(
    rf"^(?P<name>\S+?)\s*(?P<first>{_DATE})(?:\s*(?:至|到|~|～|—)?\s*(?P<last>{_DATE}))?$"
)


@dataclass(frozen=True)
class YearEntry:
    """What the administrator typed, kept as typed so a refused form comes back whole."""

    year: str
    notice_title: str
    notice_number: str
    notice_url: str
    holidays: str  # one period a line: 春节 2027-02-05 2027-02-11
    adjusted_workdays: str  # one day a line: 春节 2027-02-20
    replace: bool = False


def _refuse(en: str, zh: str, field: str) -> ValidationFailed:
    return ValidationFailed(en, zh, field=field)


def _parse_lines(text: str, field: str, label_zh: str) -> list[tuple[str, dt.date, dt.date]]:
    rows = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        match = _LINE.match(line)
        if match is None:
            raise _refuse(
                f"{field}, line {number}: expected 'name YYYY-MM-DD [YYYY-MM-DD]', got {line!r}",
                f"{label_zh}第{number}行格式不对（应为“名称 起始日期 结束日期”，如“春节 "
                f"2027-02-05 2027-02-11”）：{line}",
                field,
            )
        try:
            first = dt.date.fromisoformat(match["first"])
            last = dt.date.fromisoformat(match["last"] or match["first"])
        except ValueError:
            raise _refuse(
                f"{field}, line {number}: not a date: {line!r}",
                f"{label_zh}第{number}行的日期不存在：{line}",
                field,
            ) from None
        if last < first:
            raise _refuse(
                f"{field}, line {number}: the period ends before it starts",
                f"{label_zh}第{number}行的结束日期早于起始日期：{line}",
                field,
            )
        rows.append((match["name"], first, last))
    return rows


def parse_entry(entry: YearEntry, principal: StaffPrincipal, today: dt.date) -> YearFile:
    """The year file the form describes, validated like any year file (422 in Chinese)."""
    try:
        year = int(entry.year.strip())
    except ValueError:
        raise _refuse("year: a number", "请填写年份（如 2027）", "year") from None
    title = entry.notice_title.strip()
    number = entry.notice_number.strip()
    if not title:
        raise _refuse("the notice's title is required", "请填写通知标题", "notice_title")
    periods = _parse_lines(entry.holidays, "holidays", "放假安排")
    if not periods:
        raise _refuse(
            "at least one holiday period is required", "请至少填写一段放假安排", "holidays"
        )
    adjusted_lines = _parse_lines(entry.adjusted_workdays, "adjusted_workdays", "调休上班日")
    for field, label, rows in (
        ("holidays", "放假安排", periods),
        ("adjusted_workdays", "调休上班日", adjusted_lines),
    ):
        for name, first, last in rows:
            if first.year != year or last.year != year:
                raise _refuse(
                    f"{field}: {name} {first.isoformat()} is not in {year}",
                    f"{label}“{name} {first.isoformat()}”不在{year}年内"
                    "（跨年的假期请只填写本年的日子）",
                    field,
                )
    days_off: dict[dt.date, str] = {}
    for name, first, last in periods:
        day = first
        while day <= last:
            if day.weekday() < 5:  # weekends are rest days anyway; the file lists weekdays
                days_off[day] = name
            day += dt.timedelta(days=1)
    adjusted = [(name, first) for name, first, _ in adjusted_lines]
    full_title = f"{title}（{number}）" if number and number not in title else title
    try:
        model = YearFile(
            year=year,
            days_off=[NamedDay(date=d, name=n) for d, n in sorted(days_off.items())],
            adjusted_workdays=[
                NamedDay(date=d, name=n) for n, d in sorted(adjusted, key=lambda x: x[1])
            ],
            source=YearSourceInfo(
                notice_title=full_title,
                notice_url=entry.notice_url.strip() or None,
                built_from=f"operator: {principal.display_name or principal.username} "
                f"{today.isoformat()} (/staff/calendar)",
            ),
        )
    except ValidationError as exc:
        first_error = exc.errors()[0]
        where = ".".join(str(p) for p in first_error["loc"])
        raise _refuse(
            f"{where}: {first_error['msg']}",
            f"填写有误（{where}）：请检查年份、日期和通知网址（须以 http:// 或 https:// 开头）",
            where.split(".")[0],
        ) from None
    try:
        check_year_file(model, f"{year}年安排")
    except ValidationFailed as exc:
        # the file's rules, told beside the field that holds the day they concern
        field = (
            "notice_url"
            if "notice_url" in exc.message_en
            else "adjusted_workdays"
            if "adjusted" in exc.message_en
            else "holidays"
        )
        raise ValidationFailed(exc.message_en, exc.message_zh, field=field) from None
    return model


@dataclass(frozen=True)
class MonthGrid:
    """One month as weeks of (day, kind, holiday name); None pads the first and last week."""

    year: int
    month: int
    weeks: list[list[tuple[dt.date, DayKind, str | None] | None]]


def month_grids(model: YearFile) -> list[MonthGrid]:
    """The year as twelve month grids, Monday first, for the preview."""
    cal = WorkCalendar({model.year: model})
    grids = []
    for month in range(1, 13):
        weeks: list[list[tuple[dt.date, DayKind, str | None] | None]] = []
        for week in month_calendar.Calendar(firstweekday=0).monthdatescalendar(model.year, month):
            weeks.append(
                [
                    (day, cal.kind(day), cal.holiday_name(day)) if day.month == month else None
                    for day in week
                ]
            )
        grids.append(MonthGrid(model.year, month, weeks))
    return grids


def installed_arrangement(session: Session, year: int, calendar_dir: Path) -> YearFile | None:
    """The arrangement in force for a year: the database's, else the folder's file."""
    row = session.get(InstalledYear, year)
    if row is not None:
        return parse_year_file(row.content, f"calendar_year {year}")
    path = calendar_dir / f"{year}.json"
    return read_year_file(path) if path.is_file() else None


def install_year(
    session: Session,
    principal: StaffPrincipal,
    model: YearFile,
    calendar_dir: Path,
    *,
    replace: bool,
    now: dt.datetime,
) -> bool:
    """Install into the database, audited, so every process uses it at its next check. A
    different arrangement in force (installed or in the folder) is replaced only when asked;
    the same one again changes nothing (returns False). The row and the audit entry commit
    together; a refusal writes nothing."""
    with write_unit(session):
        current = installed_arrangement(session, model.year, calendar_dir)
        if current == model:
            return False
        if current is not None and not replace:
            raise Conflict(
                f"{model.year} is already installed with a different arrangement; tick "
                "'replace' to overwrite it.",
                f"{model.year}年的安排已装入且与本次填写不同；如确需更正，请勾选“替换已装入的"
                f"{model.year}年安排”后再装入。",
                year=model.year,
            )
        revision = installed_version(session) + 1
        row = session.get(InstalledYear, model.year)
        if row is None:
            row = InstalledYear(year=model.year)
            session.add(row)
        row.content = model.to_json()
        row.revision = revision
        row.installed_at = now
        row.installed_by = principal.username
        audit.record(
            session,
            principal,
            "calendar.install",
            "calendar_year",
            model.year,
            replaced=current is not None,
            revision=revision,
            notice_title=model.source.notice_title,
            notice_url=model.source.notice_url,
            days_off=[d.date.isoformat() for d in model.days_off],
            adjusted_workdays=[d.date.isoformat() for d in model.adjusted_workdays],
        )
    return True
