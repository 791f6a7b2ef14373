"""One clock for every test: the app reads it instead of the system's (`app.state.clock`)."""

from __future__ import annotations

import datetime as dt

from publisher.timeutil import LOCAL_TZ


def local(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> dt.datetime:
    """An instant in Beijing time."""
    return dt.datetime(year, month, day, hour, minute, second, tzinfo=LOCAL_TZ)


#: the meetings' reference morning (a Sunday): notices are prepared from here
MEETINGS_NOW = local(2026, 11, 22, 9, 0)
#: the consultations' reference morning (a Monday): a window opens now
CONSULTATIONS_NOW = local(2026, 11, 23, 9, 0)


class Clock:
    """The app's clock; tests move it instead of sleeping."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now

    def set(self, *args: int) -> None:
        """Set to a Beijing-time instant: `clock.set(2026, 12, 7, 0, 0)`."""
        self.now = local(*args)

    def advance(self, delta: dt.timedelta) -> None:
        self.now += delta
