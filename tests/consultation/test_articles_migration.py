"""Migration 0019: comments made before articles and versions existed are on version 1, about
the whole draft, and keep working (listed, counted, answerable) on both databases."""

from __future__ import annotations

from sqlalchemy import inspect, text

from consultation.article_views import comment_counts
from publisher.storage.db import make_engine, make_session_factory
from publisher.storage.migrate import upgrade
from publisher.wiring import FEATURES  # noqa: F401  (registers every feature's tables)

DRAFT = (
    "INSERT INTO consultation_draft (id, title, department, draft_text, basis_text, "
    "explanation_text, profile, opens_at, closes_at, secret_by_law, sequence, created_at, "
    "updated_at, created_by) VALUES (1, '办法', '', '第一条 目的。', '依据', '', 'city', "
    ":t, :t, false, 0, :t, :t, 'editor')"
)
COMMENT = (
    "INSERT INTO consultation_comment (id, draft_id, receipt_code, channel, body, section, "
    "anonymous, consent_publish, text_hash, flagged_spam, submitted_at) VALUES "
    "(1, 1, 'YJ-OLD-0001', 'web', '旧意见', '第一条', true, true, 'h', false, :t)"
)


def test_old_comments_become_version_one_whole_draft(empty_db_url: str) -> None:
    engine = make_engine(empty_db_url)
    upgrade(engine, "0015")
    assert "version_number" not in {
        c["name"] for c in inspect(engine).get_columns("consultation_comment")
    }
    with engine.begin() as conn:
        when = "2026-11-23 01:00:00"
        conn.execute(text(DRAFT), {"t": when})
        conn.execute(text(COMMENT), {"t": when})
    upgrade(engine, "0019")
    with engine.connect() as conn:
        row = conn.execute(
            text("SELECT version_number, article_key, quote FROM consultation_comment")
        ).one()
    assert tuple(row) == (1, None, None)
    with make_session_factory(engine)() as session:
        assert comment_counts(session, 1, 1) == {None: 1}
    engine.dispose()
