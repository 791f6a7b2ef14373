"""a generation counter per table that public caches read (feeds kept in memory)

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-04 06:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "content_generation",
        sa.Column("table_name", sa.String(length=64), nullable=False),
        sa.Column("generation", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("table_name", name=op.f("pk_content_generation")),
    )


def downgrade() -> None:
    op.drop_table("content_generation")
