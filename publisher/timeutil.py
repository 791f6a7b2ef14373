"""Time conventions: instants are stored in UTC, shown in Asia/Shanghai."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Asia/Shanghai")
UTC = dt.UTC


def now_utc() -> dt.datetime:
    return dt.datetime.now(UTC)


def to_local(instant: dt.datetime) -> dt.datetime:
    """The instant in Asia/Shanghai; naive datetimes are refused, never assumed."""
    if instant.tzinfo is None:
        raise ValueError("naive datetime: instants must carry a time zone")
    return instant.astimezone(LOCAL_TZ)


def local_date(instant: dt.datetime) -> dt.date:
    """The calendar day on which the instant falls in Asia/Shanghai."""
    return to_local(instant).date()


def start_of_local_day(day: dt.date) -> dt.datetime:
    """00:00 Asia/Shanghai on the given day, as an aware datetime."""
    return dt.datetime.combine(day, dt.time(0, 0), tzinfo=LOCAL_TZ)


def end_of_local_day(day: dt.date) -> dt.datetime:
    """23:59:59 Asia/Shanghai on the given day: the last lawful instant of a day-granular limit."""
    return dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=LOCAL_TZ)


def format_local(instant: dt.datetime) -> str:
    """'2026年10月9日 09:30' style, for pages and messages."""
    local = to_local(instant)
    return f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}"


def format_local_en(instant: dt.datetime) -> str:
    """'2026-10-09 09:30 Beijing time', for English messages (never Chinese-formatted dates)."""
    return f"{to_local(instant):%Y-%m-%d %H:%M} Beijing time"


def format_local_end(instant: dt.datetime) -> str:
    """The end of a period as offices write it: a close at 00:00 on the 11th is '2026年12月10日
    24:00', so the 11th never reads as open; any other instant as `format_local`."""
    local = to_local(instant)
    if local.time() == dt.time(0, 0):
        day = local.date() - dt.timedelta(days=1)
        return f"{day.year}年{day.month}月{day.day}日 24:00"
    return format_local(instant)
