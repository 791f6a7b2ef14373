"""Published meetings planted in bulk, for the list benchmark and the list's statement-count
tests: one shape of row, so the benchmark measures what the tests hold to a handful of SQL."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from sqlalchemy.orm import Session


def plant_published_notices(session: Session, count: int, *, now: dt.datetime) -> None:
    """Add `count` published notices, alternately held 10 days ago and due in 10 days (an hour
    apart), each with a pending application and one published change; the caller commits."""
    from publisher.meetings.models import (
        MeetingApplication,
        MeetingNotice,
        NoticeRevision,
    )

    for n in range(count):
        starts = now + dt.timedelta(days=(n % 2) * 20 - 10, hours=n)
        notice = MeetingNotice(
            kind="executive",
            title=f"市政府第{n + 1}次常务会议",
            starts_at=starts,
            ends_at=starts + dt.timedelta(hours=2),
            place="市政府第一会议室",
            agenda="研究城区停车管理等事项",
            participation="在本页面申请列席",
            capacity=3,
            published_at=now - dt.timedelta(days=30),
            created_by="editor",
        )
        session.add(notice)
        session.flush()
        session.add(
            MeetingApplication(
                notice_id=notice.id,
                receipt_code=f"CH{notice.id:08d}",
                applicant_name="张三",
                phone="13800138000",
                category="citizen",
                statement="",
                status="pending",
                created_at=now - dt.timedelta(days=1),
            )
        )
        session.add(
            NoticeRevision(
                notice_id=notice.id,
                changed_at=now - dt.timedelta(days=2),
                sequence=1,
                changes=json.dumps({"place": ["旧址", "市政府第一会议室"]}),
                reason="场地调整",
            )
        )


def plant_database(db_path: Path, count: int) -> None:
    """A fresh SQLite file migrated to head with `count` published notices around now."""
    from publisher.storage.db import make_engine, make_session_factory
    from publisher.storage.migrate import upgrade
    from publisher.timeutil import now_utc

    engine = make_engine(f"sqlite:///{db_path}")
    upgrade(engine)
    with make_session_factory(engine)() as session:
        plant_published_notices(session, count, now=now_utc())
        session.commit()
    engine.dispose()
