"""One counted attempt against a limit. Rows older than the longest window are pruned."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from publisher.storage.base import Base
from publisher.storage.types import UTCDateTime


class ThrottleHit(Base):
    """An attempt counted by a limit: `scope` names the limit, `subject` who it counts
    (a keyed digest of an address, an account name, a receipt code…)."""

    __tablename__ = "throttle_hit"
    __table_args__ = (Index("ix_throttle_hit_key_time", "scope", "subject", "occurred_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str] = mapped_column(String(160))
    occurred_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
