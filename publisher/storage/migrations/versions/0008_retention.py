"""retention: comments keep no network address; erased contact details are marked

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04 00:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import publisher.storage.types

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Comments stopped recording the address (limits count a keyed digest in throttle_hit);
    # the addresses kept so far have no use left, so they go with the column.
    with op.batch_alter_table("consultation_comment", schema=None) as batch_op:
        batch_op.drop_index("ix_consultation_comment_ip_time")
        batch_op.drop_column("ip_address")
        batch_op.add_column(
            sa.Column(
                "contact_erased_at",
                publisher.storage.types.UTCDateTime(timezone=True),
                nullable=True,
            )
        )
    with op.batch_alter_table("meeting_application", schema=None) as batch_op:
        batch_op.alter_column("phone", existing_type=sa.String(length=20), nullable=True)
        batch_op.add_column(
            sa.Column(
                "contact_erased_at",
                publisher.storage.types.UTCDateTime(timezone=True),
                nullable=True,
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("meeting_application", schema=None) as batch_op:
        batch_op.drop_column("contact_erased_at")
        # erased phones cannot come back; a distinct placeholder satisfies NOT NULL and the
        # one-application-per-phone constraint
        batch_op.execute(
            sa.text(
                "UPDATE meeting_application SET phone = 'erased-' || CAST(id AS VARCHAR(12)) "
                "WHERE phone IS NULL"
            )
        )
        batch_op.alter_column("phone", existing_type=sa.String(length=20), nullable=False)
    with op.batch_alter_table("consultation_comment", schema=None) as batch_op:
        batch_op.drop_column("contact_erased_at")
        batch_op.add_column(sa.Column("ip_address", sa.String(length=64), nullable=True))
        batch_op.create_index(
            "ix_consultation_comment_ip_time", ["ip_address", "submitted_at"], unique=False
        )
