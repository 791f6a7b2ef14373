"""the notification outbox: messages written with the change that causes them; followers of
a consultation

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04 05:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import publisher.storage.types

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    instant = publisher.storage.types.UTCDateTime(timezone=True)
    op.create_table(
        "notification_outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event", sa.String(length=64), nullable=False),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("recipient", sa.String(length=254), nullable=False),
        sa.Column("context", sa.Text(), nullable=False),
        sa.Column("ref_kind", sa.String(length=64), nullable=True),
        sa.Column("ref_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", instant, nullable=False),
        sa.Column("next_attempt_at", instant, nullable=True),
        sa.Column("claimed_by", sa.String(length=64), nullable=True),
        sa.Column("lease_until", instant, nullable=True),
        sa.Column("attempt_started_at", instant, nullable=True),
        sa.Column("sent_at", instant, nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification_outbox")),
    )
    op.create_index(
        "ix_notification_outbox_due",
        "notification_outbox",
        ["status", "next_attempt_at"],
        unique=False,
    )
    op.create_table(
        "consultation_follower",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("draft_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("requested_at", instant, nullable=False),
        sa.Column("confirmed_at", instant, nullable=True),
        sa.Column("unsubscribed_at", instant, nullable=True),
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
        op.f("ix_consultation_follower_draft_id"),
        "consultation_follower",
        ["draft_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_consultation_follower_draft_id"), table_name="consultation_follower")
    op.drop_table("consultation_follower")
    op.drop_index("ix_notification_outbox_due", table_name="notification_outbox")
    op.drop_table("notification_outbox")
