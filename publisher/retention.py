"""How long personal data is kept, and the one run that erases what is past its time.

Each feature declares its rules in its manifest (`Feature.retention`); `publisher retention
run` applies all of them, daily from cron or a systemd timer. A rule erases only what its
period has passed and marks what it erased, so running it twice, or from several processes at
once, erases nothing twice and nothing early. The periods and their reasons are the service's
PIPL position, written down in docs/privacy.md.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from publisher.storage.db import begin_write


@dataclass(frozen=True)
class RetentionRule:
    name: str
    #: what is erased and when, in one English line (CLI output, docs)
    description: str
    #: erases what is due at `now`; returns how many records it changed
    erase: Callable[[Session, dt.datetime], int]


@dataclass(frozen=True)
class RetentionOutcome:
    rule: RetentionRule
    count: int


def apply_rules(
    session: Session, rules: Iterable[RetentionRule], now: dt.datetime, *, dry_run: bool = False
) -> list[RetentionOutcome]:
    """Each rule in its own unit of work, so one failing rule leaves the others' work done.

    With `dry_run`, each rule runs and is rolled back: the counts are what a run would erase."""
    outcomes = []
    for rule in rules:
        begin_write(session)
        try:
            count = rule.erase(session, now)
            if dry_run:
                session.rollback()
            else:
                session.commit()
        except BaseException:
            session.rollback()
            raise
        outcomes.append(RetentionOutcome(rule, count))
    return outcomes
