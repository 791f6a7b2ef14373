"""the search index: search_entry on both databases; FTS5 on SQLite, tsvector + GIN on PostgreSQL

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-04 09:30:00

After upgrading, `publisher search reindex` indexes the content stored before (docs/search.md).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    terms_type = sa.Text() if sqlite else postgresql.TSVECTOR()
    op.create_table(
        "search_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("title_key", sa.String(length=500), nullable=False),
        sa.Column("url", sa.String(length=300), nullable=False),
        sa.Column("department", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("day", sa.Integer(), nullable=True),
        sa.Column("visible_from", sa.DateTime(timezone=True), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("terms", terms_type, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_entry")),
        sa.UniqueConstraint("kind", "key", name="uq_search_entry_kind_key"),
    )
    op.create_index(op.f("ix_search_entry_title_key"), "search_entry", ["title_key"])
    op.create_index(op.f("ix_search_entry_department"), "search_entry", ["department"])
    op.create_index(op.f("ix_search_entry_day"), "search_entry", ["day"])
    op.create_index("ix_search_entry_terms", "search_entry", ["terms"], postgresql_using="gin")
    if sqlite:
        # jieba's words, space-separated; unicode61 only splits them at the spaces
        op.execute(
            "CREATE VIRTUAL TABLE search_fts USING fts5("
            "title, body, tokenize = 'unicode61 remove_diacritics 0')"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE search_fts")
    op.drop_table("search_entry")
