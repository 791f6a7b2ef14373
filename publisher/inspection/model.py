"""What an inspection finds, and what a feature contributes to it (its manifest's `sections`
and `inspections`).

The indicators are those of 《政府网站与政务新媒体检查指标》 (国办秘函〔2019〕19号) that this
service can see; a veto indicator (单项否决) that fails rates the whole site 不合格.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy.orm import Session

from publisher.opendata.tables import LiveTable
from publisher.settings import Settings


class Level(StrEnum):
    PASS = "pass"
    WARN = "warn"  # not failed yet, but on its way (e.g. a comment a month old)
    FAIL = "fail"

    @property
    def label_zh(self) -> str:
        return {"pass": "合格", "warn": "预警", "fail": "不合格"}[self.value]


@dataclass(frozen=True)
class Finding:
    """One row of the report: the indicator, its official threshold, whether it is a veto
    indicator, the result, the evidence (which section, link, comment) and what to do."""

    indicator: str
    threshold: str
    veto: bool
    level: Level
    evidence: tuple[str, ...] = ()
    action: str = ""

    @property
    def passed(self) -> bool:
        return self.level is not Level.FAIL

    def as_row(self) -> dict[str, Any]:
        return {
            "indicator": self.indicator,
            "threshold": self.threshold,
            "veto": self.veto,
            "passed": self.passed,
            "level": self.level.value,
            "evidence": list(self.evidence),
            "action": self.action,
        }


@dataclass(frozen=True)
class InspectionContext:
    """What a check may read: the database, the real moment, the settings, the catalogue's
    live tables."""

    session: Session
    now: dt.datetime
    settings: Settings
    live_tables: Sequence[LiveTable] = ()


#: a check a feature runs on its own tables
Check = Callable[[InspectionContext], Sequence[Finding]]


@dataclass(frozen=True)
class Section:
    """A section (栏目) of the site as the inspectors count them: its name, its page, how long
    it may go without an update (通知公告、政策文件类: 6 months; 动态、要闻类: 2 weeks), and
    when its newest public item was published (None: the section is empty)."""

    name: str
    path: str
    stale_after: dt.timedelta
    latest: Callable[[InspectionContext], dt.datetime | None]


#: 通知公告、政策文件类栏目: not updated for 6 months counts as not updated
NOTICE_SECTION = dt.timedelta(days=183)


def by_age(
    ages: Sequence[tuple[str, dt.timedelta]], warn_after: dt.timedelta, fail_after: dt.timedelta
) -> tuple[Level, tuple[str, ...]]:
    """The level of a list of waiting items (evidence text, how long it has waited): failed
    when one waited past `fail_after`, warned past `warn_after`; evidence for those only."""
    late = [(text, age) for text, age in ages if age > warn_after]
    level = Level.PASS
    if late:
        level = Level.FAIL if any(age > fail_after for _, age in late) else Level.WARN
    evidence = tuple(f"{text}（已等待 {age.days} 天）" for text, age in late)
    return level, evidence
