"""One page of a query's rows and the total: every paged API list counts and slices the same
way, in two statements whatever the number of rows."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

T = TypeVar("T")


@dataclass(frozen=True)
class Slice(Generic[T]):
    rows: Sequence[T]
    total: int


def slice_of(session: Session, query: Select[T], offset: int, limit: int) -> Slice[T]:
    """`limit` rows of the query from `offset`, and how many rows it has in all."""
    counted = select(func.count()).select_from(query.order_by(None).subquery())
    total = session.scalar(counted) or 0
    return Slice(session.scalars(query.offset(offset).limit(limit)).all(), int(total))
