"""a closed consultation's outcome: the decision as issued and its 政策解读 (#22 item 7)

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-04 09:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import publisher.storage.types

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "consultation_outcome_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("draft_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("document_id", sa.String(length=80), nullable=True),
        sa.Column("attachment_id", sa.Integer(), nullable=True),
        sa.Column("linked_at", publisher.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("linked_by", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["attachment_id"],
            ["consultation_attachment.id"],
            name=op.f("fk_consultation_outcome_link_attachment_id_consultation_attachment"),
        ),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["gazette_document.id"],
            name=op.f("fk_consultation_outcome_link_document_id_gazette_document"),
        ),
        sa.ForeignKeyConstraint(
            ["draft_id"],
            ["consultation_draft.id"],
            name=op.f("fk_consultation_outcome_link_draft_id_consultation_draft"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consultation_outcome_link")),
        sa.UniqueConstraint("draft_id", "role", name="uq_consultation_outcome_role"),
    )
    op.create_index(
        op.f("ix_consultation_outcome_link_draft_id"),
        "consultation_outcome_link",
        ["draft_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_consultation_outcome_link_document_id"),
        "consultation_outcome_link",
        ["document_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(
        op.f("ix_consultation_outcome_link_document_id"), table_name="consultation_outcome_link"
    )
    op.drop_index(
        op.f("ix_consultation_outcome_link_draft_id"), table_name="consultation_outcome_link"
    )
    op.drop_table("consultation_outcome_link")
