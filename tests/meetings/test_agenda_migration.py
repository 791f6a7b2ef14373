"""Migration 0021: each existing notice's main content becomes agenda items, one per
non-empty line, and its text their numbered list."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import MetaData, Table, insert, select

from publisher.storage.db import make_engine
from publisher.storage.migrate import downgrade, upgrade


def test_main_content_moves_into_items(empty_db_url: str) -> None:
    engine = make_engine(empty_db_url)
    upgrade(engine, "0015")
    notice = Table("meeting_notice", MetaData(), autoload_with=engine)
    stamp = dt.datetime(2026, 11, 20, 1, 0, tzinfo=dt.UTC)
    common = {
        "kind": "plenary",
        "place": "市政府第一会议室",
        "participation": "在线申请",
        "capacity": 0,
        "media_allowed": True,
        "withheld": False,
        "status": "scheduled",
        "sequence": 0,
        "created_at": stamp,
        "updated_at": stamp,
        "created_by": "editor",
    }
    with engine.begin() as conn:
        conn.execute(
            insert(notice),
            [
                {"id": 1, "title": "甲", "agenda": "1. 审议方案\n\n  2、研究停车  \n", **common},
                {"id": 2, "title": "乙", "agenda": "研究供暖", **common},
                {"id": 3, "title": "丙", "agenda": "", **common},
            ],
        )
    upgrade(engine)
    item = Table("meeting_agenda_item", MetaData(), autoload_with=engine)
    with engine.connect() as conn:
        rows = conn.execute(
            select(item.c.notice_id, item.c.position, item.c.title).order_by(item.c.id)
        ).all()
        texts = dict(conn.execute(select(notice.c.id, notice.c.agenda)).all())
    assert [tuple(r) for r in rows] == [(1, 1, "审议方案"), (1, 2, "研究停车"), (2, 1, "研究供暖")]
    assert texts == {1: "1. 审议方案\n2. 研究停车", 2: "1. 研究供暖", 3: ""}
    downgrade(engine, "0015")
    engine.dispose()
