"""a draft as articles and versions: comments name their version and article; revisions kept

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-04 09:05:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import publisher.storage.types

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "consultation_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("draft_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("material", sa.Boolean(), nullable=False),
        sa.Column("final", sa.Boolean(), nullable=False),
        sa.Column(
            "published_at", publisher.storage.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column("published_by", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["draft_id"],
            ["consultation_draft.id"],
            name=op.f("fk_consultation_version_draft_id_consultation_draft"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consultation_version")),
        sa.UniqueConstraint("draft_id", "number", name="uq_consultation_version"),
    )
    with op.batch_alter_table("consultation_version", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_consultation_version_draft_id"), ["draft_id"], unique=False
        )
    # Comments made before versions and articles existed: version 1, the whole draft.
    with op.batch_alter_table("consultation_comment", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("version_number", sa.Integer(), server_default="1", nullable=False)
        )
        batch_op.add_column(sa.Column("article_key", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("quote", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("consultation_comment", schema=None) as batch_op:
        batch_op.drop_column("quote")
        batch_op.drop_column("article_key")
        batch_op.drop_column("version_number")
    with op.batch_alter_table("consultation_version", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_consultation_version_draft_id"))
    op.drop_table("consultation_version")
