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
from enum import StrEnum
from pathlib import Path

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
