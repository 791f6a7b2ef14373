"""staff tags on comments, groups of near-duplicate comments answered once, comments published
in full with redactions (issue #16)

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-04 09:05:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import publisher.storage.types

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "consultation_comment_tag",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("draft_id", sa.Integer(), nullable=False),
        sa.Column("comment_id", sa.Integer(), nullable=False),
        sa.Column("tag", sa.String(length=40), nullable=False),
        sa.Column("tagged_at", publisher.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("tagged_by", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["comment_id"],
            ["consultation_comment.id"],
            name=op.f("fk_consultation_comment_tag_comment_id_consultation_comment"),
        ),
        sa.ForeignKeyConstraint(
            ["draft_id"],
            ["consultation_draft.id"],
            name=op.f("fk_consultation_comment_tag_draft_id_consultation_draft"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consultation_comment_tag")),
        sa.UniqueConstraint("comment_id", "tag", name="uq_consultation_comment_tag"),
    )
    with op.batch_alter_table("consultation_comment_tag", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_consultation_comment_tag_comment_id"), ["comment_id"], unique=False
        )
        batch_op.create_index(
            "ix_consultation_comment_tag_draft_tag", ["draft_id", "tag"], unique=False
        )

    op.create_table(
        "consultation_comment_group",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("draft_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("created_at", publisher.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["draft_id"],
            ["consultation_draft.id"],
            name=op.f("fk_consultation_comment_group_draft_id_consultation_draft"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consultation_comment_group")),
    )
    with op.batch_alter_table("consultation_comment_group", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_consultation_comment_group_draft_id"), ["draft_id"], unique=False
        )

    op.create_table(
        "consultation_comment_group_member",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("comment_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["comment_id"],
            ["consultation_comment.id"],
            name=op.f("fk_consultation_comment_group_member_comment_id_consultation_comment"),
        ),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["consultation_comment_group.id"],
            name=op.f("fk_consultation_comment_group_member_group_id_consultation_comment_group"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consultation_comment_group_member")),
        sa.UniqueConstraint(
            "comment_id", name=op.f("uq_consultation_comment_group_member_comment_id")
        ),
    )
    with op.batch_alter_table("consultation_comment_group_member", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_consultation_comment_group_member_group_id"), ["group_id"], unique=False
        )

    op.create_table(
        "consultation_comment_publication",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("comment_id", sa.Integer(), nullable=False),
        sa.Column("draft_id", sa.Integer(), nullable=False),
        sa.Column("public_text", sa.Text(), nullable=False),
        sa.Column(
            "published_at", publisher.storage.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column("published_by", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["comment_id"],
            ["consultation_comment.id"],
            name=op.f("fk_consultation_comment_publication_comment_id_consultation_comment"),
        ),
        sa.ForeignKeyConstraint(
            ["draft_id"],
            ["consultation_draft.id"],
            name=op.f("fk_consultation_comment_publication_draft_id_consultation_draft"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consultation_comment_publication")),
        sa.UniqueConstraint(
            "comment_id", name=op.f("uq_consultation_comment_publication_comment_id")
        ),
    )
    with op.batch_alter_table("consultation_comment_publication", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_consultation_comment_publication_draft_id"), ["draft_id"], unique=False
        )

    op.create_table(
        "consultation_comment_redaction",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("comment_id", sa.Integer(), nullable=False),
        sa.Column("passage", sa.Text(), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column(
            "redacted_at", publisher.storage.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column("redacted_by", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["comment_id"],
            ["consultation_comment.id"],
            name=op.f("fk_consultation_comment_redaction_comment_id_consultation_comment"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consultation_comment_redaction")),
    )
    with op.batch_alter_table("consultation_comment_redaction", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_consultation_comment_redaction_comment_id"), ["comment_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("consultation_comment_redaction", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_consultation_comment_redaction_comment_id"))
    op.drop_table("consultation_comment_redaction")
    with op.batch_alter_table("consultation_comment_publication", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_consultation_comment_publication_draft_id"))
    op.drop_table("consultation_comment_publication")
    with op.batch_alter_table("consultation_comment_group_member", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_consultation_comment_group_member_group_id"))
    op.drop_table("consultation_comment_group_member")
    with op.batch_alter_table("consultation_comment_group", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_consultation_comment_group_draft_id"))
    op.drop_table("consultation_comment_group")
    with op.batch_alter_table("consultation_comment_tag", schema=None) as batch_op:
        batch_op.drop_index("ix_consultation_comment_tag_draft_tag")
        batch_op.drop_index(batch_op.f("ix_consultation_comment_tag_comment_id"))
    op.drop_table("consultation_comment_tag")
