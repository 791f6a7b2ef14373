"""a representative's consent to publish the answer to their opinion

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-04 14:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("meeting_opinion") as batch:
        batch.add_column(
            sa.Column("publish_answer", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("meeting_opinion") as batch:
        batch.drop_column("publish_answer")
