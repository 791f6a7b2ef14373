"""following a topic, not only one consultation: followers move into follow_subscription
(kind + key), a fan-out ledger makes each alert go out once

Existing followers of one consultation keep their address, token (so the links in mail they
already have keep working), and dates; their topic is ("consultation", the draft's number).
Messages still waiting under the old confirmation event use the new one's template.

Revision ID: 0024
Revises: 0022
Create Date: 2026-12-04 12:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import publisher.storage.types

revision = "0024"
down_revision = "0022"
branch_labels = None
depends_on = None


def _when(name: str, nullable: bool = True) -> sa.Column[object]:
    return sa.Column(name, publisher.storage.types.UTCDateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "follow_subscription",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("topic_kind", sa.String(length=32), nullable=False),
        sa.Column("topic_key", sa.String(length=200), nullable=False),
        sa.Column("topic_title", sa.String(length=300), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        _when("requested_at", nullable=False),
        _when("confirmed_at"),
        _when("unsubscribed_at"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_follow_subscription")),
        sa.UniqueConstraint("token", name=op.f("uq_follow_subscription_token")),
        sa.UniqueConstraint("topic_kind", "topic_key", "email", name="uq_follow_subscription"),
    )
    op.create_index(
        "ix_follow_subscription_topic", "follow_subscription", ["topic_kind", "topic_key"]
    )
    op.create_table(
        "follow_fanout",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event", sa.String(length=64), nullable=False),
        sa.Column("subject", sa.String(length=100), nullable=False),
        sa.Column("messages", sa.Integer(), nullable=False),
        _when("created_at", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_follow_fanout")),
        sa.UniqueConstraint("event", "subject", name="uq_follow_fanout"),
    )
    op.execute(
        "INSERT INTO follow_subscription (topic_kind, topic_key, topic_title, email, token, "
        "requested_at, confirmed_at, unsubscribed_at) "
        "SELECT 'consultation', CAST(f.draft_id AS VARCHAR(200)), "
        "'《' || d.title || '》', f.email, f.token, f.requested_at, f.confirmed_at, "
        "f.unsubscribed_at FROM consultation_follower f "
        "JOIN consultation_draft d ON d.id = f.draft_id ORDER BY f.id"
    )
    op.execute(
        "UPDATE notification_outbox SET event = 'follow.confirm' "
        "WHERE event = 'consultation.follow.confirm'"
    )
    op.drop_table("consultation_follower")


def downgrade() -> None:
    op.create_table(
        "consultation_follower",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("draft_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        _when("requested_at", nullable=False),
        _when("confirmed_at"),
        _when("unsubscribed_at"),
        sa.ForeignKeyConstraint(
            ["draft_id"],
            ["consultation_draft.id"],
            name=op.f("fk_consultation_follower_draft_id_consultation_draft"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consultation_follower")),
        sa.UniqueConstraint("draft_id", "email", name="uq_consultation_follower"),
        sa.UniqueConstraint("token", name=op.f("uq_consultation_follower_token")),
    )
    op.create_index(
        op.f("ix_consultation_follower_draft_id"), "consultation_follower", ["draft_id"]
    )
    op.execute(
        "INSERT INTO consultation_follower (draft_id, email, token, requested_at, "
        "confirmed_at, unsubscribed_at) SELECT CAST(topic_key AS INTEGER), email, token, "
        "requested_at, confirmed_at, unsubscribed_at FROM follow_subscription "
        "WHERE topic_kind = 'consultation'"
    )
    op.drop_table("follow_fanout")
    op.drop_index("ix_follow_subscription_topic", table_name="follow_subscription")
    op.drop_table("follow_subscription")
