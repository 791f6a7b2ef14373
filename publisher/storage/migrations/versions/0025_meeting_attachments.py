"""meeting attachments: files staff upload as an agenda item's documents

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-04 13:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import publisher.storage.types

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "meeting_attachment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("notice_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("media_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column(
            "uploaded_at", publisher.storage.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column("uploaded_by", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["notice_id"],
            ["meeting_notice.id"],
            name=op.f("fk_meeting_attachment_notice_id_meeting_notice"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_attachment")),
    )
    with op.batch_alter_table("meeting_attachment", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_meeting_attachment_notice_id"), ["notice_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("meeting_attachment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meeting_attachment_notice_id"))
    op.drop_table("meeting_attachment")
