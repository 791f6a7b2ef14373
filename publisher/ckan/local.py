"""The local side of a push: datasets as the service holds them, independent of CKAN.

The lead's adapter turns the service's catalogue into these; `publisher.ckan.sources` builds
them from the Data Package for now. Content hashes are computed here so that "unchanged" means
the same bytes and the same metadata, whatever CKAN later adds to its own copy.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field


@dataclass(frozen=True)
class LocalResource:
    """One file of a dataset; `name` identifies it within its dataset and must be unique there."""

    name: str
    format: str
    data: bytes
    description: str = ""

    @property
    def content_hash(self) -> str:
        """Hash of what we send for this resource: its metadata and its bytes."""
        meta = json.dumps([self.name, self.format, self.description], ensure_ascii=False)
        digest = hashlib.sha256(meta.encode("utf-8"))
        digest.update(b"\0")
        digest.update(self.data)
        return digest.hexdigest()


@dataclass(frozen=True)
class LocalDataset:
    """A dataset to publish. `name` is the stable local identity; the CKAN name derives from it."""

    name: str
    title: str
    notes: str = ""
    tags: list[str] = field(default_factory=list)
    license_id: str = ""
    extras: dict[str, str] = field(default_factory=dict)
    resources: list[LocalResource] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise ValueError("a LocalDataset needs a non-empty name (its stable identity)")
        names = [r.name for r in self.resources]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ValueError(f"dataset {self.name!r}: duplicate resource names {duplicates}")
