"""calendar years installed from the State Council notice, shared by every process

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04 05:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import publisher.storage.types

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "calendar_year",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column(
            "installed_at", publisher.storage.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column("installed_by", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("year", name=op.f("pk_calendar_year")),
        sa.UniqueConstraint("revision", name=op.f("uq_calendar_year_revision")),
    )


def downgrade() -> None:
    op.drop_table("calendar_year")
