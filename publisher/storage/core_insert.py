"""Rows the high-volume intakes insert with one Core statement, handed back as ORM objects.

The ORM's unit of work (flush bookkeeping, statement built and keyed per object) cost the group
writer more than the INSERT itself (#15): the comment and application intakes run a statement
built once, with `RETURNING` every column, and adopt the row."""

from __future__ import annotations

from typing import Any, TypeVar, cast

from sqlalchemy import Row, Table
from sqlalchemy.orm import Session, make_transient_to_detached

from publisher.storage.base import Base
from publisher.storage.generations import count_core_write

M = TypeVar("M", bound=Base)


def adopt_inserted(session: Session, model: type[M], row: Row[Any]) -> M:
    """The row an ``INSERT … RETURNING`` of `model`'s columns gave back, as an object of the
    session as if a query had loaded it; the write counted as a flush's would be (the public
    pages that show the table see it at once). A refusal after it must expunge the object:
    the savepoint that takes the row away knows nothing of it."""
    adopted = model(**row._mapping)
    make_transient_to_detached(adopted)
    session.add(adopted)
    count_core_write(session, cast(Table, model.__table__))
    return adopted
