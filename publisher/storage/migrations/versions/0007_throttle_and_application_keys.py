"""rate limits counted in the database (throttle_hit replaces sign_in_failure); idempotency
keys for attendance applications

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 17:24:04.932023
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import publisher.storage.types

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "throttle_hit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(length=40), nullable=False),
        sa.Column("subject", sa.String(length=160), nullable=False),
        sa.Column(
            "occurred_at", publisher.storage.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_throttle_hit")),
    )
    with op.batch_alter_table("throttle_hit", schema=None) as batch_op:
        batch_op.create_index(
            "ix_throttle_hit_key_time", ["scope", "subject", "occurred_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_throttle_hit_occurred_at"), ["occurred_at"], unique=False
        )
    # Failed sign-ins were kept only to throttle: the limits now count them in throttle_hit
    # (keyed by a digest of the address), so the old rows, with raw addresses, go.
    with op.batch_alter_table("sign_in_failure", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sign_in_failure_ip_address"))
        batch_op.drop_index(batch_op.f("ix_sign_in_failure_occurred_at"))
        batch_op.drop_index(batch_op.f("ix_sign_in_failure_username"))
    op.drop_table("sign_in_failure")
    with op.batch_alter_table("meeting_application", schema=None) as batch_op:
        batch_op.add_column(sa.Column("idempotency_key", sa.String(length=100), nullable=True))
        batch_op.create_unique_constraint(
            "uq_meeting_application_idem", ["notice_id", "idempotency_key"]
        )


def downgrade() -> None:
    with op.batch_alter_table("meeting_application", schema=None) as batch_op:
        batch_op.drop_constraint("uq_meeting_application_idem", type_="unique")
        batch_op.drop_column("idempotency_key")
    op.create_table(
        "sign_in_failure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("ip_address", sa.String(length=64), nullable=False),
        sa.Column(
            "occurred_at", publisher.storage.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sign_in_failure")),
    )
    with op.batch_alter_table("sign_in_failure", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sign_in_failure_username"), ["username"])
        batch_op.create_index(batch_op.f("ix_sign_in_failure_occurred_at"), ["occurred_at"])
        batch_op.create_index(batch_op.f("ix_sign_in_failure_ip_address"), ["ip_address"])
    with op.batch_alter_table("throttle_hit", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_throttle_hit_occurred_at"))
        batch_op.drop_index("ix_throttle_hit_key_time")
    op.drop_table("throttle_hit")
