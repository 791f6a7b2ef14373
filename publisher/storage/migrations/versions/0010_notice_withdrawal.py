"""notice withdrawal: a published notice taken down keeps a public record of when and why

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04 02:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import publisher.storage.types

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("meeting_notice", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "withdrawn_at", publisher.storage.types.UTCDateTime(timezone=True), nullable=True
            )
        )
        batch_op.add_column(sa.Column("withdrawal_reason", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("meeting_notice", schema=None) as batch_op:
        batch_op.drop_column("withdrawal_reason")
        batch_op.drop_column("withdrawn_at")
