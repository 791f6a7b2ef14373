"""attachment text budget: an attachment records when its text version stops early

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04 02:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("consultation_attachment", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("text_truncated", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("consultation_attachment", schema=None) as batch_op:
        batch_op.drop_column("text_truncated")
