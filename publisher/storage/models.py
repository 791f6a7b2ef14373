"""Every ORM model, imported in one place so Alembic and the tests see the whole schema."""

from __future__ import annotations

from consultation import models as consultation_models
from publisher.ckan import models as ckan_models
from publisher.documents import models as document_models
from publisher.meetings import models as meeting_models
from publisher.staff import models as staff_models
from publisher.storage.base import Base

metadata = Base.metadata

__all__ = [
    "Base",
    "ckan_models",
    "consultation_models",
    "document_models",
    "meeting_models",
    "metadata",
    "staff_models",
]
