"""Each process's calendar notices a year installed by another process: it asks the database
for the version at most every `calendar_check_seconds`, and reads the years only when it moved."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from publisher.cli.common import cli_principal
from publisher.errors import CalendarNotCovered
from publisher.rules.calendar_data import NamedDay, YearFile, YearSourceInfo
from publisher.settings import Settings
from publisher.workdays import install_year
from publisher.workdays.store import CalendarSource

YEAR_2027 = YearFile(
    year=2027,
    days_off=[NamedDay(date=dt.date(2027, 1, 1), name="元旦")],
    adjusted_workdays=[],
    source=YearSourceInfo(
        notice_title="国务院办公厅关于2027年部分节假日安排的通知",
        notice_url="https://www.gov.cn/test-fixture/2027.html",
        built_from="operator: test fixture",
    ),
)


def _covers_2027(source: CalendarSource) -> bool:
    try:
        source.current().kind(dt.date(2027, 1, 4))
    except CalendarNotCovered:
        return False
    return True


def test_another_process_s_install_is_seen_at_the_next_check_with_one_query(
    settings: Settings, engine: Engine, session_factory: sessionmaker[Session]
) -> None:
    clock = [100.0]
    source = CalendarSource(session_factory, settings.calendar_dir, 5.0, lambda: clock[0])
    assert not _covers_2027(source)
    statements: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *a: statements.append(a[2]))

    with session_factory() as other_process:
        install_year(
            other_process,
            cli_principal(),
            YEAR_2027,
            settings.calendar_dir,
            replace=False,
            now=dt.datetime(2026, 12, 4, 2, tzinfo=dt.UTC),
        )
    statements.clear()
    clock[0] += 4.9
    assert not _covers_2027(source)  # within the interval: the cached calendar, no query
    assert statements == []
    clock[0] += 0.1
    assert _covers_2027(source)  # the version moved: the years are read again
    statements.clear()
    clock[0] += 5
    assert _covers_2027(source)
    queries = [q for q in statements if q.lstrip().upper().startswith("SELECT")]
    assert len(queries) == 1 and "max" in queries[0].lower()  # unchanged: one query
