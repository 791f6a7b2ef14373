"""gazette issue ids long enough for another configured source (``<slug>-YYYY-NN``)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04 06:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

# (table, column, old length, new length); the slug is up to 40 characters (settings)
_WIDENED = (
    ("gazette_issue", "id", 16, 64),
    ("gazette_document", "issue_id", 16, 64),
    ("gazette_document", "id", 24, 80),
)


def upgrade() -> None:
    for table, column, old, new in _WIDENED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column(
                column,
                existing_type=sa.String(length=old),
                type_=sa.String(length=new),
                existing_nullable=False,
            )


def downgrade() -> None:
    for table, column, old, new in reversed(_WIDENED):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column(
                column,
                existing_type=sa.String(length=new),
                type_=sa.String(length=old),
                existing_nullable=False,
            )
