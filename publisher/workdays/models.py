"""Years installed from the State Council notice, kept in the database so every process (and
every machine) of the service uses them; the calendar folder stays the base."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from publisher.storage.base import Base
from publisher.storage.types import UTCDateTime


class InstalledYear(Base):
    """One year's arrangement as a validated year file (`YearFile.to_json()`).

    ``revision`` is unique and grows with every install or replacement, so the largest one is
    the calendar's version: a process compares it with the one its cached calendar was built
    from (one indexed ``max()``) to notice an install made by another process."""

    __tablename__ = "calendar_year"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    content: Mapped[str] = mapped_column(Text)
    revision: Mapped[int] = mapped_column(Integer, unique=True)
    installed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    installed_by: Mapped[str] = mapped_column(String(200))
