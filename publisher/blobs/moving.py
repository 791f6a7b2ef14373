"""Moving attachments from a data dir into the database (`publisher blobs migrate`).

Run once per machine that kept files on its disk, in any order, as often as wanted: a blob
already in the database is left alone, and a file whose bytes do not match its name (a damaged
disk) is reported and not moved. Files are read by chunk, never whole, and left in place: the
operator removes the folder once the database is backed up.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from publisher.blobs.store import CHUNK_BYTES, DIGEST, BlobStore


@dataclass
class MoveReport:
    moved: int = 0
    already_there: int = 0
    damaged: list[str] = field(default_factory=list)


def _file_chunks(path: Path) -> Iterator[bytes]:
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK_BYTES):
            yield chunk


def _digest(path: Path) -> str:
    hasher = hashlib.sha256()
    for chunk in _file_chunks(path):
        hasher.update(chunk)
    return hasher.hexdigest()


def move_files(folder: Path, target: BlobStore) -> MoveReport:
    """Every `<sha256>` file of `folder` into `target` (temporary and other files ignored)."""
    report = MoveReport()
    if not folder.is_dir():
        return report
    for path in sorted(folder.iterdir()):
        if not (path.is_file() and DIGEST.fullmatch(path.name)):
            continue
        if _digest(path) != path.name:
            report.damaged.append(path.name)
            continue
        stored = target.put_chunks(path.name, path.stat().st_size, _file_chunks(path))
        if stored:
            report.moved += 1
        else:
            report.already_there += 1
    return report
