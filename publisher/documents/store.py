"""Store parsed gazette issues in the database, idempotently and without losing data.

Ingesting the same issue twice must change nothing: documents are upserted by
(issue id, position) and a row is written only when one of its fields differs, so a re-ingest
reports every document as unchanged and leaves ``updated_at``/``revision`` (and therefore the
feeds' ETags) alone. An issue is (gazette title, year, number): another gazette's issue never
replaces ours, changing an issue already stored needs ``replace``, and a document already held
by another issue (same number) is reported, not stored twice (issue #14).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from publisher.documents.following import tell_new_documents
from publisher.documents.models import GazetteDocument, GazetteIssueRow
from publisher.errors import Conflict
from publisher.gazette import Document, GazetteIssue, parse_gazette
from publisher.opendata.writer import bundled_files, identify
from publisher.settings import Settings
from publisher.storage.db import make_session_factory


class IssueIdentityConflict(Conflict):
    """A stored issue with this id belongs to another gazette (its title differs)."""

    code = "issue_identity_conflict"


class ReplaceRequired(Conflict):
    """Storing the issue would change an issue already stored; ``--replace`` is needed."""

    code = "replace_required"


@dataclass
class StoreResult:
    """What one ``store_issue`` call did (or, rolled back, would do), by document id."""

    issue_id: str
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)  # "文号（已在 2019-02-01）"
    lines: list[str] = field(default_factory=list)  # the diff, one line per change
    replaces: bool = False  # an issue already stored changes

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.removed)

    def summary_zh(self) -> str:
        text = (
            f"公报 {self.issue_id}：新增 {len(self.created)} 篇，更新 {len(self.updated)} 篇，"
            f"未变 {len(self.unchanged)} 篇"
        )
        if self.removed:
            text += f"，删除 {len(self.removed)} 篇"
        if self.duplicates:
            text += f"，重复未存 {len(self.duplicates)} 篇（{'；'.join(self.duplicates)}）"
        return text


def document_id(issue_id: str, position: int) -> str:
    """``2019-02-01``: the same id as the ``gazette-documents`` dataset's ``id`` column."""
    return f"{issue_id}-{position:02d}"


def source_digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _differing(row: object, values: dict[str, Any]) -> list[str]:
    return [key for key, value in values.items() if getattr(row, key) != value]


def _assign(row: object, values: dict[str, Any]) -> list[str]:
    """Set the attributes that differ; their names."""
    fields = _differing(row, values)
    for key in fields:
        setattr(row, key, values[key])
    return fields


def _document_values(doc: Document) -> dict[str, Any]:
    return {
        "section": doc.section,
        "number": doc.number,
        "title": doc.title,
        "issuer": doc.issuer,
        "date": doc.date,
        "related_numbers": list(doc.related_numbers),
        "body": doc.body,
    }


def store_issue(
    session: Session,
    issue: GazetteIssue,
    source_sha256: str | None = None,
    now: dt.datetime | None = None,
    *,
    replace: bool = False,
) -> StoreResult:
    """Upsert the issue and its documents; flushes but does not commit (the caller owns it).

    Without ``replace``, a change to an issue already stored raises ReplaceRequired after the
    flush (its ``changes`` detail is the diff), so the caller's rollback keeps what was stored.
    Documents the new parse no longer has are deleted and reported as removed.
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
    row = session.get(GazetteIssueRow, info.id)
    if row is not None and row.title != info.title:
        raise IssueIdentityConflict(
            f"issue {info.id} is stored for {row.title}, not {info.title}",
            f"期号 {info.id} 已存为《{row.title}》，不是《{info.title}》",
        )
    if row is None:
        row = GazetteIssueRow(id=info.id, created_at=now, updated_at=now, **issue_values)
        row.source_sha256 = source_sha256
        session.add(row)
    else:
        if fields := _assign(row, issue_values):
            row.updated_at = now
            result.lines.append(f"~ 公报 {info.id}：{', '.join(fields)}")
        if source_sha256 is not None:
            row.source_sha256 = source_sha256
    existing = {
        d.position: d
        for d in session.scalars(select(GazetteDocument).where(GazetteDocument.issue_id == info.id))
    }
    stored_before = bool(existing)
    _store_documents(session, issue, existing, result, now)
    for gone in existing.values():
        session.delete(gone)
        result.removed.append(gone.id)
        result.lines.append(f"- {gone.id} {gone.number or '（无文号）'} {gone.title}")
    session.flush()
    result.replaces = stored_before and (result.changed or bool(result.lines))
    if result.replaces and not replace:
        raise ReplaceRequired(
            f"issue {info.id} is already stored with other content; see the changes with "
            "--dry-run and apply them with --replace",
            f"公报 {info.id} 已收录且内容不同；用 --dry-run 查看差异，用 --replace 替换",
            changes=result.lines,
        )
    tell_new_documents(session, result.created, now)
    return result


def _store_documents(
    session: Session,
    issue: GazetteIssue,
    existing: dict[int, GazetteDocument],
    result: StoreResult,
    now: dt.datetime,
) -> None:
    """Add, update or keep each document; a duplicate (its number held by another issue, or
    a document without number whose title this issue already printed) is only reported."""
    info = issue.issue
    held = _numbers_held_elsewhere(session, issue)
    titles_seen: set[str] = set()
    for position, doc in enumerate(issue.documents, start=1):
        doc_id = document_id(info.id, position)
        label = f"{doc_id} {doc.number or '（无文号）'} {doc.title}"
        other = held.get(doc.number) if doc.number else None
        if other is not None or (not doc.number and doc.title in titles_seen):
            where = other or info.id
            result.duplicates.append(f"{doc.number or doc.title}（已在 {where}）")
            result.lines.append(f"= 重复未存 {label}（已在 {where}）")
            continue
        titles_seen.add(doc.title)
        values = _document_values(doc)
        stored = existing.pop(position, None)
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
            result.lines.append(f"+ {label}")
        elif fields := _assign(stored, values):
            stored.revision += 1
            stored.updated_at = now
            result.updated.append(doc_id)
            result.lines.append(f"~ {label}：{', '.join(fields)}")
        else:
            result.unchanged.append(doc_id)


def _numbers_held_elsewhere(session: Session, issue: GazetteIssue) -> dict[str, str]:
    """Document number → id of the document of another issue that already holds it."""
    numbers = [d.number for d in issue.documents if d.number]
    if not numbers:
        return {}
    rows = session.execute(
        select(GazetteDocument.number, GazetteDocument.id).where(
            GazetteDocument.number.in_(numbers), GazetteDocument.issue_id != issue.issue.id
        )
    )
    return {number: doc_id for number, doc_id in rows if number is not None}


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
    skipped without parsing, so a second start is a hash of each file and one query. The
    bundled files are the reviewed record, so a changed one replaces what was stored.
    """
    known = set(session.scalars(select(GazetteIssueRow.source_sha256)))
    stored: list[StoreResult] = []
    skipped: list[str] = []
    for path, slug in bundled_files(Path(settings.datasets_dir)):
        text = path.read_text(encoding="utf-8")
        digest = source_digest(text)
        if digest in known:
            skipped.append(path.name)
            continue
        issue = identify(parse_gazette(text), slug)
        stored.append(store_issue(session, issue, source_sha256=digest, replace=True))
    session.commit()
    return LoadResult(tuple(stored), tuple(skipped))


def load_bundled_data_on(settings: Settings, engine: Engine) -> str:
    """``load_bundled_data`` in its own session, for ``publisher.bootstrap.prepare``."""
    with make_session_factory(engine)() as session:
        return load_bundled_data(settings, session).summary_zh()
