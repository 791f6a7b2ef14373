"""The declarative base every ORM model inherits from, with one naming convention.

The naming convention keeps constraint names identical on SQLite and PostgreSQL, so that
Alembic migrations can alter them on both.
"""

from __future__ import annotations

from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


#: tables a migration creates that no model describes: SQLite's FTS5 index of the search
#: (`publisher.search.models`) and the shadow tables FTS5 keeps beside it
UNMANAGED_TABLES = frozenset(
    f"search_fts{suffix}" for suffix in ("", "_data", "_idx", "_content", "_docsize", "_config")
)


def include_name(name: str | None, type_: str, _parent_names: object) -> bool:
    """Alembic's `include_name`: comparisons with the models leave the unmanaged tables out."""
    return not (type_ == "table" and name in UNMANAGED_TABLES)
