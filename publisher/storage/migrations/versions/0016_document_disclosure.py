"""gazette documents' 政府信息公开 metadata: 主题分类 and 有效性 (#22 item 4)

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-04 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import publisher.storage.types

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("gazette_document") as batch:
        batch.add_column(sa.Column("topic", sa.String(length=50), nullable=True))
        batch.add_column(
            sa.Column("validity", sa.String(length=20), nullable=False, server_default="effective")
        )
        batch.add_column(sa.Column("validity_note", sa.String(length=500), nullable=True))
        batch.add_column(
            sa.Column(
                "validity_changed_at",
                publisher.storage.types.UTCDateTime(timezone=True),
                nullable=True,
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("gazette_document") as batch:
        batch.drop_column("validity_changed_at")
        batch.drop_column("validity_note")
        batch.drop_column("validity")
        batch.drop_column("topic")
