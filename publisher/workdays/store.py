"""The calendar a process uses: the folder's year files overlaid by the years installed in the
database, rebuilt when either changes.

The database is checked at most every ``check_seconds`` (``PUBLISHER_CALENDAR_CHECK_SECONDS``)
with one indexed query for the version; the year files are only read again when it moved. The
folder is checked on every lookup (a few ``stat`` calls, see ``workcalendar.get_calendar``).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from publisher.rules.calendar_data import YearFile, parse_year_file
from publisher.rules.workcalendar import Installed, WorkCalendar, get_calendar
from publisher.workdays.models import InstalledYear

__all__ = ["CalendarSource", "installed_version", "installed_years", "load_installed"]


def installed_version(session: Session) -> int:
    """The version of the installed years: 0 when none, larger after every install."""
    return session.scalar(select(func.coalesce(func.max(InstalledYear.revision), 0))) or 0


def installed_years(session: Session) -> dict[int, YearFile]:
    """Every installed year, validated again as a year file (a bad row stops the load, as a
    bad file does)."""
    rows = session.scalars(select(InstalledYear).order_by(InstalledYear.year))
    return {row.year: parse_year_file(row.content, f"calendar_year {row.year}") for row in rows}


def load_installed(session: Session) -> Installed:
    """The installed years with their version, read in one transaction."""
    return Installed(installed_version(session), installed_years(session))


class CalendarSource:
    """One per app (``app.state.calendar_source``): the current calendar for a request."""

    def __init__(
        self,
        session_factory: Callable[[], Session],
        calendar_dir: Path,
        check_seconds: float,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._session_factory = session_factory
        self._calendar_dir = calendar_dir
        self._check_seconds = check_seconds
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._installed: Installed | None = None
        self._checked_at: float | None = None

    def current(self) -> WorkCalendar:
        """The calendar, after checking the database's version when the last check is older
        than ``check_seconds``."""
        now = self._monotonic()
        if self._checked_at is None or now - self._checked_at >= self._check_seconds:
            with self._lock:
                if self._checked_at is None or now - self._checked_at >= self._check_seconds:
                    self._refresh()
                    self._checked_at = now
        return get_calendar(self._calendar_dir, self._installed)

    def invalidate(self) -> None:
        """Check the database at the next lookup (this process just installed a year)."""
        with self._lock:
            self._checked_at = None

    def _refresh(self) -> None:
        with self._session_factory() as session:
            version = installed_version(session)
            if self._installed is None or self._installed.version != version:
                self._installed = load_installed(session)
            session.rollback()
