"""Every ORM model, imported in one place so Alembic and the tests see the whole schema."""

from __future__ import annotations

from publisher.staff import models as staff_models
from publisher.storage.base import Base

metadata = Base.metadata

__all__ = ["Base", "metadata", "staff_models"]
