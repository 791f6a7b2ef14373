"""meetings beyond the notice: agenda items and their documents, a waiting list and check-in
codes for applications, the item an application or opinion concerns, the published outcome

A notice's main content (主要内容) moves into agenda items: one item per non-empty line, and
the text becomes their numbered list (what the feeds show).

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-04 09:00:00
"""

from __future__ import annotations

import re

import sqlalchemy as sa
from alembic import op

import publisher.storage.types

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None

_TITLE_MAX = 200
#: numbering typed at a line's start ("1.", "2、", "（3）", "- "), as the service drops it
_NUMBERING = re.compile(r"^\s*(?:\d{1,3}\s*[.、．)）](?!\d)|[（(]\d{1,3}[)）]|[-•·])\s*")


def upgrade() -> None:
    op.create_table(
        "meeting_agenda_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("notice_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("decision", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["notice_id"],
            ["meeting_notice.id"],
            name=op.f("fk_meeting_agenda_item_notice_id_meeting_notice"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_agenda_item")),
    )
    with op.batch_alter_table("meeting_agenda_item", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_meeting_agenda_item_notice_id"), ["notice_id"], unique=False
        )
    op.create_table(
        "meeting_agenda_document",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["meeting_agenda_item.id"],
            name=op.f("fk_meeting_agenda_document_item_id_meeting_agenda_item"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_agenda_document")),
    )
    with op.batch_alter_table("meeting_agenda_document", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_meeting_agenda_document_item_id"), ["item_id"], unique=False
        )
    op.create_table(
        "meeting_outcome",
        sa.Column("notice_id", sa.Integer(), nullable=False),
        sa.Column("summary_kind", sa.String(length=16), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("links", sa.Text(), nullable=False),
        sa.Column("attendance", sa.Text(), nullable=False),
        sa.Column("opinions", sa.Text(), nullable=False),
        sa.Column("no_shows", sa.Integer(), nullable=False),
        sa.Column(
            "published_at", publisher.storage.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column("updated_at", publisher.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("published_by", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["notice_id"],
            ["meeting_notice.id"],
            name=op.f("fk_meeting_outcome_notice_id_meeting_notice"),
        ),
        sa.PrimaryKeyConstraint("notice_id", name=op.f("pk_meeting_outcome")),
    )
    with op.batch_alter_table("meeting_application", schema=None) as batch_op:
        batch_op.add_column(sa.Column("agenda_item_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("checkin_code", sa.String(length=16), nullable=True))
        batch_op.add_column(
            sa.Column(
                "checked_in_at", publisher.storage.types.UTCDateTime(timezone=True), nullable=True
            )
        )
        batch_op.create_unique_constraint(
            batch_op.f("uq_meeting_application_checkin_code"), ["checkin_code"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_meeting_application_agenda_item_id_meeting_agenda_item"),
            "meeting_agenda_item",
            ["agenda_item_id"],
            ["id"],
        )
    with op.batch_alter_table("meeting_opinion", schema=None) as batch_op:
        batch_op.add_column(sa.Column("agenda_item_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_meeting_opinion_agenda_item_id_meeting_agenda_item"),
            "meeting_agenda_item",
            ["agenda_item_id"],
            ["id"],
        )
    _agenda_into_items()


def _agenda_into_items() -> None:
    """Each notice's main content becomes items, one per non-empty line (the text stays as
    their numbered list)."""
    bind = op.get_bind()
    notice = sa.table("meeting_notice", sa.column("id", sa.Integer), sa.column("agenda", sa.Text))
    item = sa.table(
        "meeting_agenda_item",
        sa.column("notice_id", sa.Integer),
        sa.column("position", sa.Integer),
        sa.column("title", sa.String),
        sa.column("description", sa.Text),
        sa.column("decision", sa.Text),
    )
    for notice_id, agenda in bind.execute(sa.select(notice.c.id, notice.c.agenda)).all():
        lines = [_NUMBERING.sub("", line).strip() for line in (agenda or "").splitlines()]
        lines = [line for line in lines if line]
        if not lines:
            continue
        rows = []
        for position, line in enumerate(lines, start=1):
            long = len(line) > _TITLE_MAX
            rows.append(
                {
                    "notice_id": notice_id,
                    "position": position,
                    "title": line[: _TITLE_MAX - 1] + "…" if long else line,
                    "description": line if long else "",
                    "decision": "",
                }
            )
        bind.execute(sa.insert(item), rows)
        numbered = "\n".join(f"{r['position']}. {r['title']}" for r in rows)
        bind.execute(sa.update(notice).where(notice.c.id == notice_id).values(agenda=numbered))


def downgrade() -> None:
    with op.batch_alter_table("meeting_opinion", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_meeting_opinion_agenda_item_id_meeting_agenda_item"), type_="foreignkey"
        )
        batch_op.drop_column("agenda_item_id")
    with op.batch_alter_table("meeting_application", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_meeting_application_agenda_item_id_meeting_agenda_item"),
            type_="foreignkey",
        )
        batch_op.drop_constraint(batch_op.f("uq_meeting_application_checkin_code"), type_="unique")
        batch_op.drop_column("checked_in_at")
        batch_op.drop_column("checkin_code")
        batch_op.drop_column("agenda_item_id")
    op.drop_table("meeting_outcome")
    with op.batch_alter_table("meeting_agenda_document", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meeting_agenda_document_item_id"))
    op.drop_table("meeting_agenda_document")
    with op.batch_alter_table("meeting_agenda_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meeting_agenda_item_notice_id"))
    op.drop_table("meeting_agenda_item")
