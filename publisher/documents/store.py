"""Store parsed gazette issues in the database, idempotently.

Ingesting the same issue twice must change nothing: documents are upserted by
(issue id, position) and a row is written only when one of its fields differs, so a re-ingest
reports every document as unchanged and leaves ``updated_at``/``revision`` (and therefore the
feeds' ETags) alone.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from publisher.documents.models import GazetteDocument, GazetteIssueRow
from publisher.gazette import GazetteIssue, parse_gazette
from publisher.opendata.specs import SOURCE_SLUG
from publisher.opendata.writer import SOURCES_DIR
from publisher.settings import Settings
from publisher.storage.db import make_engine, make_session_factory
from publisher.storage.migrate import upgrade


@dataclass
class StoreResult:
    """What one ``store_issue`` call did, by document id."""

    issue_id: str
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)

    def summary_zh(self) -> str:
        return (
            f"公报 {self.issue_id}：新增 {len(self.created)} 篇，更新 {len(self.updated)} 篇，"
            f"未变 {len(self.unchanged)} 篇"
        )


def document_id(issue_id: str, position: int) -> str:
    """``2019-02-01``: the same id as the ``gazette-documents`` dataset's ``id`` column."""
    return f"{issue_id}-{position:02d}"


def source_digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _assign(row: object, values: dict[str, Any]) -> bool:
    """Set the attributes that differ; True when any did."""
    changed = False
    for key, value in values.items():
        if getattr(row, key) != value:
            setattr(row, key, value)
            changed = True
    return changed


def store_issue(
    session: Session,
    issue: GazetteIssue,
    source_sha256: str | None = None,
    now: dt.datetime | None = None,
) -> StoreResult:
    """Upsert the issue and its documents; flushes but does not commit (the caller owns it).

    Documents of the stored issue that the new parse no longer has (positions beyond its last
    document) are deleted and reported as updated, so the table always mirrors the issue.
    """
    now = now or dt.datetime.now(dt.UTC)
    info = issue.issue
    result = StoreResult(info.id)
    issue_values: dict[str, Any] = {
        "title": info.title,
        "year": info.year,
        "number": info.number,
        "cumulative_number": info.cumulative_number,
        "publication_date": info.publication_date,
        "sponsor": info.sponsor,
    }
    if source_sha256 is not None:
        issue_values["source_sha256"] = source_sha256
    row = session.get(GazetteIssueRow, info.id)
    if row is None:
        row = GazetteIssueRow(id=info.id, created_at=now, updated_at=now, **issue_values)
        session.add(row)
    elif _assign(row, issue_values):
        row.updated_at = now
    existing = {
        d.position: d
        for d in session.scalars(select(GazetteDocument).where(GazetteDocument.issue_id == info.id))
    }
    for position, doc in enumerate(issue.documents, start=1):
        values: dict[str, Any] = {
            "section": doc.section,
            "number": doc.number,
            "title": doc.title,
            "issuer": doc.issuer,
            "date": doc.date,
            "related_numbers": list(doc.related_numbers),
            "body": doc.body,
        }
        stored = existing.pop(position, None)
        doc_id = document_id(info.id, position)
        if stored is None:
            session.add(
                GazetteDocument(
                    id=doc_id,
                    issue_id=info.id,
                    position=position,
                    revision=1,
                    created_at=now,
                    updated_at=now,
                    **values,
                )
            )
            result.created.append(doc_id)
        elif _assign(stored, values):
            stored.revision += 1
            stored.updated_at = now
            result.updated.append(doc_id)
        else:
            result.unchanged.append(doc_id)
    for gone in existing.values():
        session.delete(gone)
        result.updated.append(gone.id)
    session.flush()
    return result


@dataclass(frozen=True)
class LoadResult:
    stored: tuple[StoreResult, ...]
    skipped: tuple[str, ...]  # bundled files whose text is already in the database

    def summary_zh(self) -> str:
        parts = [r.summary_zh() for r in self.stored]
        if self.skipped:
            parts.append(f"已在数据库中：{len(self.skipped)} 期")
        return "公报文件：" + ("；".join(parts) if parts else "无内置公报")


def load_bundled_data(settings: Settings, session: Session) -> LoadResult:
    """Store every bundled gazette issue not yet in the database, and commit.

    Called by ``publisher serve`` at start-up: a source whose SHA-256 is already recorded is
    skipped without parsing, so a second start is a hash of each file and one query.
    """
    folder = Path(settings.datasets_dir) / SOURCES_DIR
    known = set(session.scalars(select(GazetteIssueRow.source_sha256)))
    stored: list[StoreResult] = []
    skipped: list[str] = []
    for path in sorted(folder.glob(f"{SOURCE_SLUG}-*.txt")):
        text = path.read_text(encoding="utf-8")
        digest = source_digest(text)
        if digest in known:
            skipped.append(path.name)
            continue
        stored.append(store_issue(session, parse_gazette(text), source_sha256=digest))
    session.commit()
    return LoadResult(tuple(stored), tuple(skipped))


def store_issue_in_database(settings: Settings, issue: GazetteIssue, text: str) -> StoreResult:
    """For ``publisher ingest gazette``: migrate the configured database, store, commit."""
    engine = make_engine(settings.effective_database_url)
    try:
        upgrade(engine)
        with make_session_factory(engine)() as session:
            result = store_issue(session, issue, source_sha256=source_digest(text))
            session.commit()
        return result
    finally:
        engine.dispose()


def load_bundled_data_on(settings: Settings, engine: Engine) -> str:
    """``load_bundled_data`` in its own session, for ``publisher.bootstrap.prepare``."""
    with make_session_factory(engine)() as session:
        return load_bundled_data(settings, session).summary_zh()
