"""files a citizen attaches to a comment (issue #16 item 4), public once approved

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-04 12:15:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import publisher.storage.types

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "consultation_comment_attachment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("comment_id", sa.Integer(), nullable=False),
        sa.Column("draft_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("media_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("uploaded_at", publisher.storage.types.UTCDateTime(), nullable=False),
        sa.Column("approved_at", publisher.storage.types.UTCDateTime(), nullable=True),
        sa.Column("approved_by", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["comment_id"],
            ["consultation_comment.id"],
            name=op.f("fk_consultation_comment_attachment_comment_id_consultation_comment"),
        ),
        sa.ForeignKeyConstraint(
            ["draft_id"],
            ["consultation_draft.id"],
            name=op.f("fk_consultation_comment_attachment_draft_id_consultation_draft"),
        ),
        sa.ForeignKeyConstraint(
            ["sha256"],
            ["blob.sha256"],
            name=op.f("fk_consultation_comment_attachment_sha256_blob"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consultation_comment_attachment")),
    )
    with op.batch_alter_table("consultation_comment_attachment", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_consultation_comment_attachment_comment_id"),
            ["comment_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_consultation_comment_attachment_draft_id"), ["draft_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("consultation_comment_attachment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_consultation_comment_attachment_draft_id"))
        batch_op.drop_index(batch_op.f("ix_consultation_comment_attachment_comment_id"))
    op.drop_table("consultation_comment_attachment")
