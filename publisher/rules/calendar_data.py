"""The per-year working-day arrangement files: their schema, validation, and how they are built.

A year file (``datasets/calendar/YYYY.json``) is the service's only source of truth at run time.
The years the two libraries know (2004–2026) are *built* here by cross-checking ``holidays`` and
``chinese_calendar`` day by day; later years are typed in by an operator from the State Council
notice and installed with ``publisher calendar load``. Both kinds go through the same validation,
so a bad file is refused before any deadline is computed from it.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from importlib.metadata import version
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from publisher.errors import PublisherError, ValidationFailed

#: a year file's name: exactly four digits and ``.json``
YEAR_FILE_RE = re.compile(r"^(\d{4})\.json$")
#: ``built_from`` of a library-built file; anything else counts as operator-loaded
LIBRARY_BUILT_RE = re.compile(r"^holidays==\S+; chinesecalendar==\S+; cross-checked$")
#: the years both libraries hold a State Council notice for (chinese_calendar is the narrower)
LIBRARY_YEARS = range(2004, 2027)


class DayKind(StrEnum):
    """What a calendar day is for working-day arithmetic."""

    WORKDAY = "workday"
    WEEKEND = "weekend"
    HOLIDAY = "holiday"
    ADJUSTED_WORKDAY = "adjusted_workday"


class CalendarBuildError(PublisherError):
    """The libraries disagree (or lack data) so no trustworthy year file can be built."""

    code = "calendar_build_failed"


# --------------------------------------------------------------------------------------------
# Schema
# --------------------------------------------------------------------------------------------


class NamedDay(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    date: dt.date
    name: str = Field(
        min_length=1, max_length=100, description="The holiday it belongs to, e.g. 春节"
    )


class NoticeRef(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    title: str = Field(min_length=1)
    url: str = Field(pattern=r"^https?://\S+$")
    days: list[dt.date] = Field(
        default_factory=list,
        description="The days of this year the notice set (empty: it concerns the whole year); "
        "an explanation counting any of them cites the notice",
    )


class YearSourceInfo(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    notice_title: str | None = Field(
        description="国务院办公厅关于YYYY年部分节假日安排的通知 "
        "(required for operator-loaded years)"
    )
    notice_url: str | None = Field(
        pattern=r"^https?://\S+$",
        description="Where the notice is published (required for operator-loaded years)",
    )
    built_from: str = Field(
        min_length=1,
        description="`holidays==X; chinesecalendar==Y; cross-checked` for library-built years, "
        "otherwise who typed it in from the notice (e.g. `operator: 市政府办公室`)",
    )
    amendments: list[NoticeRef] = Field(
        default_factory=list,
        description="Later notices that changed the year's arrangement (e.g. 2020's extension)",
    )


class YearFile(BaseModel):
    """One year's arrangement. Weekends are implicit; only the exceptions are listed."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    year: int = Field(ge=1949, le=2200)
    days_off: list[NamedDay] = Field(description="Statutory days off falling on Monday–Friday")
    adjusted_workdays: list[NamedDay] = Field(description="Saturdays/Sundays worked (调休上班)")
    source: YearSourceInfo

    @property
    def library_built(self) -> bool:
        return (
            LIBRARY_BUILT_RE.match(self.source.built_from) is not None
            and self.year in LIBRARY_YEARS
        )

    def to_json(self) -> str:
        """Stable, diff-friendly text: sorted dates, Chinese kept readable."""
        data = self.model_dump(mode="json")
        data["days_off"].sort(key=lambda d: d["date"])
        data["adjusted_workdays"].sort(key=lambda d: d["date"])
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def year_file_json_schema() -> dict[str, object]:
    """The JSON Schema of a year file (structure only; the cross-field rules are in code)."""
    return YearFile.model_json_schema()


# --------------------------------------------------------------------------------------------
# Validation
# --------------------------------------------------------------------------------------------

_WEEKDAY_ZH = "一二三四五六日"


def _invalid(origin: str, en: str, zh: str) -> ValidationFailed:
    return ValidationFailed(f"{origin}: {en}", f"{origin}：{zh}", origin=origin)


def parse_year_file(text: str | bytes, origin: str = "<year file>") -> YearFile:
    """Parse and fully validate a year file; raises ValidationFailed with a one-line reason."""
    try:
        model = YearFile.model_validate_json(text)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "(top level)"
        raise _invalid(
            origin,
            f"invalid year file at {where}: {first['msg']}",
            f"年度工作日历文件格式错误（{where}）：{first['msg']}",
        ) from None
    check_year_file(model, origin)
    return model


def check_year_file(model: YearFile, origin: str = "<year file>") -> None:
    """The rules JSON Schema cannot say: right year, right weekdays, no contradictions."""
    year = model.year
    seen: dict[dt.date, str] = {}
    for field, days in (
        ("days_off", model.days_off),
        ("adjusted_workdays", model.adjusted_workdays),
    ):
        for item in days:
            d = item.date
            if d.year != year:
                raise _invalid(
                    origin,
                    f"{field} lists {d.isoformat()}, which is not in {year}",
                    f"{field}中的{d.isoformat()}不在{year}年内",
                )
            if d in seen:
                both = seen[d] != field
                raise _invalid(
                    origin,
                    f"{d.isoformat()} is listed "
                    + ("both as a day off and as an adjusted workday" if both else "twice"),
                    f"{d.isoformat()}" + ("同时被列为休息日和调休上班日" if both else "重复出现"),
                )
            seen[d] = field
            wd = d.weekday()
            if field == "days_off" and wd >= 5:
                raise _invalid(
                    origin,
                    f"day off {d.isoformat()} is a {d:%A}; days_off lists only Monday–Friday "
                    "(weekends are implicit)",
                    f"休息日{d.isoformat()}是星期{_WEEKDAY_ZH[wd]}；days_off只列周一至周五（周末无需列出）",
                )
            if field == "adjusted_workdays" and wd < 5:
                raise _invalid(
                    origin,
                    f"adjusted workday {d.isoformat()} is a {d:%A}; "
                    "it must be a Saturday or Sunday",
                    f"调休上班日{d.isoformat()}是星期{_WEEKDAY_ZH[wd]}；调休上班日必须是周六或周日",
                )
    for amendment in model.source.amendments:
        stray = [d for d in amendment.days if d.year != year]
        if stray:
            raise _invalid(
                origin,
                f"amendment {amendment.title!r} lists {stray[0].isoformat()}, not in {year}",
                f"修订通知《{amendment.title}》所列{stray[0].isoformat()}不在{year}年内",
            )
    if not model.days_off:
        raise _invalid(
            origin,
            f"{year} lists no statutory day off; a State Council arrangement always has some",
            f"{year}年没有列出任何法定休息日；国务院节假日安排不可能如此",
        )
    if not model.library_built:
        src = model.source
        if not src.notice_url or not src.notice_title:
            raise _invalid(
                origin,
                f"{year} is not built from the libraries, so source.notice_title and "
                "source.notice_url (the State Council notice) are required",
                f"{year}年不是由程序库生成的，必须填写source.notice_title和source.notice_url"
                "（国务院办公厅通知的标题和网址）",
            )


def read_year_file(path: Path) -> YearFile:
    """Read a file; when it sits in a calendar folder its name must match its year."""
    try:
        text = path.read_bytes()
    except OSError as exc:
        raise _invalid(
            str(path), f"cannot read: {exc.strerror}", f"无法读取：{exc.strerror}"
        ) from None
    model = parse_year_file(text, str(path))
    m = YEAR_FILE_RE.match(path.name)
    if m and int(m.group(1)) != model.year:
        raise _invalid(
            str(path),
            f"file name says {m.group(1)} but the file is for {model.year}",
            f"文件名为{m.group(1)}年，内容却是{model.year}年",
        )
    return model


def load_year_files(directory: Path) -> dict[int, tuple[Path, YearFile]]:
    """Every ``YYYY.json`` in the folder, validated. A missing folder means no year is covered."""
    found: dict[int, tuple[Path, YearFile]] = {}
    if not directory.is_dir():
        return found
    for path in sorted(directory.iterdir()):
        m = YEAR_FILE_RE.match(path.name)
        if m is None or not path.is_file():
            continue
        model = read_year_file(path)
        found[model.year] = (path, model)
    return found


def write_year_file(model: YearFile, directory: Path) -> Path:
    """Write atomically and durably, world-readable (0644), so a reader never sees half a
    year and a service running as another user can read it."""
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / f"{model.year}.json"
    fd, tmp = tempfile.mkstemp(prefix=f".{model.year}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(model.to_json())
            fh.flush()
            os.fsync(fh.fileno())
        # mkstemp creates 0600: a service running as another user could not read the year
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


# --------------------------------------------------------------------------------------------
# Building from the libraries
# --------------------------------------------------------------------------------------------

_NOTICE_TITLE = "国务院办公厅关于{year}年部分节假日安排的通知"

#: State Council notices as published in the State Council Gazette on gov.cn. The URLs are the
#: ones the ``holidays`` library cites as its references (without the web.archive.org prefix).
NOTICE_URLS: dict[int, str] = {
    2018: "https://www.gov.cn/gongbao/content/2017/content_5248221.htm",
    2019: "https://www.gov.cn/gongbao/content/2018/content_5350046.htm",
    2020: "https://www.gov.cn/gongbao/content/2019/content_5459138.htm",
    2021: "https://www.gov.cn/gongbao/content/2020/content_5567750.htm",
    2022: "https://www.gov.cn/gongbao/content/2021/content_5651728.htm",
    2023: "https://www.gov.cn/gongbao/content/2023/content_5736714.htm",
    2024: "https://www.gov.cn/gongbao/2023/issue_10806/202311/content_6913823.html",
    2025: "https://www.gov.cn/gongbao/2024/issue_11726/202411/content_6989767.html",
    2026: "https://www.gov.cn/gongbao/2025/issue_12406/202511/content_7048922.html",
}

NOTICE_AMENDMENTS: dict[int, tuple[NoticeRef, ...]] = {
    # The next year's notice set the last days of 2018: Saturday 12-29 worked, 12-30 to 01-01
    # off (Monday 12-31 a holiday). Earlier cases of the same kind (2007-12-29/31, 2011-12-31)
    # are in the data but not yet cited to their notices.
    2018: (
        NoticeRef(
            title="国务院办公厅关于2019年部分节假日安排的通知（国办发明电〔2018〕15号）",
            url="https://www.gov.cn/zhengce/content/2018-12/06/content_5346276.htm",
            days=[dt.date(2018, 12, 29), dt.date(2018, 12, 30), dt.date(2018, 12, 31)],
        ),
    ),
    2019: (
        NoticeRef(
            title="国务院办公厅关于调整2019年劳动节假期安排的通知",
            url="https://www.gov.cn/gongbao/content/2019/content_5380356.htm",
            days=[dt.date(2019, 4, 28), *(dt.date(2019, 5, d) for d in range(2, 6))],
        ),
    ),
    2020: (
        NoticeRef(
            title="国务院办公厅关于延长2020年春节假期的通知",
            url="https://www.gov.cn/gongbao/content/2020/content_5477297.htm",
            days=[dt.date(2020, 1, 31), dt.date(2020, 2, 1), dt.date(2020, 2, 2)],
        ),
    ),
}


@dataclass(frozen=True)
class Erratum:
    """A known library error: on ``day``, ``wrong_library`` is wrong and ``kind`` is the truth."""

    day: dt.date
    wrong_library: str
    kind: DayKind
    name: str
    reason: str


#: The written list of accepted disagreements. Anything else aborts the build.
KNOWN_ERRATA: tuple[Erratum, ...] = (
    Erratum(
        day=dt.date(2005, 12, 31),
        wrong_library="chinesecalendar",
        kind=DayKind.ADJUSTED_WORKDAY,
        name="元旦",
        reason="国务院办公厅关于2006年部分节假日安排的通知: Saturday 2005-12-31 was worked in "
        "exchange for 2006-01-03 off; chinese_calendar keeps each year's notice in its own year "
        "and misses this cross-year 调休 (holidays has it).",
    ),
)

_CC_ZH_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}


def library_versions() -> str:
    return f"holidays=={version('holidays')}; chinesecalendar=={version('chinesecalendar')}"


def _holidays_kinds(year: int) -> tuple[dict[dt.date, DayKind], dict[dt.date, str]]:
    """Kinds per ``holidays``: days off are the public-category dates on Mon–Fri (the half-day
    category — Women's Day etc. — is for some groups only and is left out); adjusted workdays are
    its ``weekend_workdays`` (the dates named in "Day off (substituted from ...)"), which can sit
    in a neighbouring year's notice, hence the three-year window."""
    # Lazy: the two calendar libraries are needed only to build a year file, never to serve.
    from holidays.countries import china as holidays_china  # noqa: PLC0415

    static = getattr(holidays_china, "ChinaStaticHolidays", None)
    known = getattr(static, "substituted_holidays", None)
    if isinstance(known, dict) and known and year > max(known):
        raise CalendarBuildError(
            f"holidays {version('holidays')} has no State Council notice for {year} "
            "(it would silently return plain weekends)",
            f"holidays {version('holidays')}没有{year}年的国务院通知（只会返回普通周末）",
            year=year,
        )
    china: Any = holidays_china.China  # untyped library class
    cn = china(years=[year - 1, year, year + 1], categories=("public",))
    kinds: dict[dt.date, DayKind] = {}
    names: dict[dt.date, str] = {}
    for day, name in cn.items():
        if day.year == year and day.weekday() < 5:
            kinds[day] = DayKind.HOLIDAY
            names[day] = str(name)
    for day in cn.weekend_workdays:
        if day.year == year:
            kinds[day] = DayKind.ADJUSTED_WORKDAY
    return kinds, names


def _cc_kinds(year: int) -> tuple[dict[dt.date, DayKind], dict[dt.date, str]]:
    import chinese_calendar  # noqa: PLC0415  (lazy: see _holidays_kinds)

    kinds: dict[dt.date, DayKind] = {}
    names: dict[dt.date, str] = {}
    for day in _days_of(year):
        try:
            working = chinese_calendar.is_workday(day)
        except NotImplementedError:
            raise CalendarBuildError(
                f"chinesecalendar {version('chinesecalendar')} has no data for {year}",
                f"chinesecalendar {version('chinesecalendar')}没有{year}年的数据",
                year=year,
            ) from None
        weekend = day.weekday() >= 5
        if working and weekend:
            kinds[day] = DayKind.ADJUSTED_WORKDAY
            name = chinese_calendar.workdays.get(day)
        elif not working and not weekend:
            kinds[day] = DayKind.HOLIDAY
            name = chinese_calendar.get_holiday_detail(day)[1]
        else:
            continue
        if name:
            names[day] = _CC_ZH_NAMES.get(str(name), str(name))
    return kinds, names


def _days_of(year: int) -> Iterable[dt.date]:
    day = dt.date(year, 1, 1)
    one = dt.timedelta(days=1)
    while day.year == year:
        yield day
        day += one


def _plain_kind(day: dt.date) -> DayKind:
    return DayKind.WEEKEND if day.weekday() >= 5 else DayKind.WORKDAY


def build_year(year: int, errata: Iterable[Erratum] = KNOWN_ERRATA) -> YearFile:
    """Cross-check both libraries day by day and return the validated year file.

    Raises CalendarBuildError on any disagreement that is not a listed erratum (or where the
    erratum's stated truth is neither library's answer), so a wrong table is never written.
    """
    if year not in LIBRARY_YEARS:
        raise CalendarBuildError(
            f"{year} is outside the years both libraries cover ({LIBRARY_YEARS.start}–"
            f"{LIBRARY_YEARS.stop - 1}); type it in from the State Council notice and use "
            "`publisher calendar load`",
            f"{year}年不在两个程序库共同覆盖的年份内"
            f"（{LIBRARY_YEARS.start}–{LIBRARY_YEARS.stop - 1}）；"
            "请按国务院通知手工编写并用`publisher calendar load`载入",
            year=year,
        )
    errata_by_day = {e.day: e for e in errata if e.day.year == year}
    h_kinds, h_names = _holidays_kinds(year)
    c_kinds, c_names = _cc_kinds(year)
    days_off: list[NamedDay] = []
    adjusted: list[NamedDay] = []
    problems: list[str] = []
    for day in _days_of(year):
        plain = _plain_kind(day)
        hk = h_kinds.get(day, plain)
        ck = c_kinds.get(day, plain)
        kind = hk
        name = c_names.get(day) or h_names.get(day)
        erratum = errata_by_day.get(day)
        if hk != ck:
            if erratum is None or erratum.kind not in (hk, ck):
                problems.append(f"{day.isoformat()}: holidays says {hk}, chinesecalendar says {ck}")
                continue
            kind, name = erratum.kind, erratum.name
        elif erratum is not None and erratum.kind != hk:
            problems.append(
                f"{day.isoformat()}: both libraries say {hk} but the errata list says "
                f"{erratum.kind}"
            )
            continue
        if kind is DayKind.HOLIDAY:
            days_off.append(NamedDay(date=day, name=name or "法定节假日"))
        elif kind is DayKind.ADJUSTED_WORKDAY:
            adjusted.append(NamedDay(date=day, name=name or "调休"))
    if problems:
        shown = "; ".join(problems[:5]) + (
            f" (+{len(problems) - 5} more)" if len(problems) > 5 else ""
        )
        raise CalendarBuildError(
            f"the libraries disagree on {len(problems)} day(s) of {year} not on the known-errata "
            f"list: {shown}. Check the State Council notice and add an Erratum or fix the data.",
            f"两个程序库对{year}年的{len(problems)}天结论不一致且不在已知勘误表中：{shown}。"
            "请核对国务院通知后补充勘误表或修正数据。",
            year=year,
            disagreements=problems,
        )
    url = NOTICE_URLS.get(year)
    model = YearFile(
        year=year,
        days_off=days_off,
        adjusted_workdays=adjusted,
        source=YearSourceInfo(
            notice_title=_NOTICE_TITLE.format(year=year) if url else None,
            notice_url=url,
            built_from=f"{library_versions()}; cross-checked",
            amendments=list(NOTICE_AMENDMENTS.get(year, ())),
        ),
    )
    check_year_file(model, f"built {year}")
    return model


def build_years(first: int, last: int, directory: Path) -> list[Path]:
    """Build every year first..last (all checked before any is written) into ``directory``."""
    if last < first:
        raise ValidationFailed(
            f"--to {last} is before --from {first}", f"结束年份{last}早于开始年份{first}"
        )
    models = [build_year(y) for y in range(first, last + 1)]
    return [write_year_file(m, directory) for m in models]
