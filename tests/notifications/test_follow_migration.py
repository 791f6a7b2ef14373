"""Migration 0024: followers of one consultation become subscriptions to the topic
("consultation", its number) with their address, token (the links already mailed keep
working) and dates; a waiting confirmation moves to the new event; on both databases."""

from __future__ import annotations

from sqlalchemy import inspect, text

from publisher.notifications import following
from publisher.notifications.vocabulary import TopicKind
from publisher.storage.db import make_engine, make_session_factory
from publisher.storage.migrate import upgrade
from publisher.wiring import FEATURES  # noqa: F401  (registers every feature's tables)
from tests.support.clock import local

DRAFT = (
    "INSERT INTO consultation_draft (id, title, department, draft_text, basis_text, "
    "explanation_text, profile, opens_at, closes_at, secret_by_law, sequence, created_at, "
    "updated_at, created_by) VALUES (7, '办法', '', '第一条 目的。', '依据', '', 'city', "
    ":t, :t, false, 0, :t, :t, 'editor')"
)
FOLLOWER = (
    "INSERT INTO consultation_follower (id, draft_id, email, token, requested_at, "
    "confirmed_at) VALUES (1, 7, 'old@example.cn', 'old-token', :t, :t)"
)
WAITING = (
    "INSERT INTO notification_outbox (event, channel, recipient, context, status, attempts, "
    "created_at) VALUES ('consultation.follow.confirm', 'email', 'new@example.cn', '{}', "
    "'pending', 0, :t)"
)


def test_consultation_followers_become_topic_subscriptions(empty_db_url: str) -> None:
    engine = make_engine(empty_db_url)
    upgrade(engine, "0021")
    with engine.begin() as conn:
        when = "2026-11-23 01:00:00"
        for statement in (DRAFT, FOLLOWER, WAITING):
            conn.execute(text(statement), {"t": when})
    upgrade(engine, "0024")
    tables = inspect(engine).get_table_names()
    assert "consultation_follower" not in tables and "follow_fanout" in tables
    with engine.connect() as conn:
        row = conn.execute(
            text("SELECT topic_kind, topic_key, topic_title, email, token FROM follow_subscription")
        ).one()
        event = conn.execute(text("SELECT event FROM notification_outbox")).scalar_one()
    assert tuple(row) == ("consultation", "7", "《办法》", "old@example.cn", "old-token")
    assert event == "follow.confirm"
    with make_session_factory(engine)() as session:  # the mailed link still unsubscribes
        gone = following.unsubscribe(session, "old-token", local(2026, 11, 24, 9, 0))
        assert (gone.topic_kind, gone.unsubscribed_at is not None) == (
            TopicKind.CONSULTATION.value,
            True,
        )
    engine.dispose()
