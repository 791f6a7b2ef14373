"""Years built from two independent libraries (holidays, chinesecalendar), cross-checked, with
the known errata and the notices that amended a year. Operators' years are typed in from the
notice instead (`publisher calendar load`, `/staff/calendar`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any

from publisher.errors import ValidationFailed

#: a year file's name: exactly four digits and ``.json``
from publisher.rules.calendar_data import (
    LIBRARY_YEARS,
    CalendarBuildError,
    DayKind,
    NamedDay,
    NoticeRef,
    YearFile,
    YearSourceInfo,
    check_year_file,
    write_year_file,
)

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
    # The next year's notice set the last days of 2007, 2011 and 2018 (the URLs are the gov.cn
    # State Council Gazette pages the `holidays` library cites for 2008 and 2012).
    # 2008 notice: Saturday 2007-12-29 worked, 12-30 to 2008-01-01 off (Monday 12-31 a holiday).
    2007: (
        NoticeRef(
            title="国务院办公厅关于2008年部分节假日安排的通知",
            url="https://www.gov.cn/gongbao/content/2008/content_859870.htm",
            days=[dt.date(2007, 12, 29), dt.date(2007, 12, 30), dt.date(2007, 12, 31)],
        ),
    ),
    # 2012 notice: Saturday 2011-12-31 worked, 2012-01-01 to 01-03 off.
    2011: (
        NoticeRef(
            title="国务院办公厅关于2012年部分节假日安排的通知",
            url="https://www.gov.cn/gongbao/content/2011/content_2020918.htm",
            days=[dt.date(2011, 12, 31)],
        ),
    ),
    # 2019 notice: Saturday 2018-12-29 worked, 12-30 to 2019-01-01 off (Monday 12-31 a holiday).
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
