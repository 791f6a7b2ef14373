"""Read-side queries over stored gazette documents, shared by pages, API and feeds."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, selectinload

from publisher.documents.models import GazetteDocument, GazetteIssueRow
from publisher.errors import NotFound
from publisher.storage.paging import Slice, slice_of


def list_documents(
    session: Session,
    issue: str | None = None,
    section: str | None = None,
    issuer: str | None = None,
) -> list[GazetteDocument]:
    """Documents, newest issue first, in printed order within an issue."""
    return list(session.scalars(documents_query(issue, section, issuer)))


def documents_page(
    session: Session,
    offset: int,
    limit: int,
    issue: str | None = None,
    section: str | None = None,
    issuer: str | None = None,
) -> Slice[GazetteDocument]:
    """One page of `list_documents`, and how many documents it has in all."""
    return slice_of(session, documents_query(issue, section, issuer), offset, limit)


def documents_query(
    issue: str | None, section: str | None, issuer: str | None
) -> Select[GazetteDocument]:
    query = (
        select(GazetteDocument)
        .join(GazetteIssueRow)
        .options(selectinload(GazetteDocument.issue))
        .order_by(GazetteIssueRow.id.desc(), GazetteDocument.position)
    )
    if issue:
        query = query.where(GazetteDocument.issue_id == issue)
    if section:
        query = query.where(GazetteDocument.section == section)
    if issuer:
        query = query.where(GazetteDocument.issuer == issuer)
    return query


def get_document(session: Session, doc_id: str) -> GazetteDocument:
    doc = session.get(GazetteDocument, doc_id)
    if doc is None:
        raise NotFound(f"No gazette document {doc_id!r}.", f"没有编号为 {doc_id} 的公报文件。")
    return doc


def related_documents(session: Session, doc: GazetteDocument) -> list[GazetteDocument]:
    """Stored documents whose number the document cites (interpretations → their policy)."""
    numbers: Sequence[str] = doc.related_numbers or []
    if not numbers:
        return []
    found = {
        d.number: d
        for d in session.scalars(select(GazetteDocument).where(GazetteDocument.number.in_(numbers)))
    }
    return [found[n] for n in numbers if n in found and found[n].id != doc.id]


def citing_documents(session: Session, doc: GazetteDocument) -> list[GazetteDocument]:
    """Documents that cite this one (e.g. its interpretation), found in Python: JSON lists
    are not portably searchable across SQLite and PostgreSQL, and the table is small."""
    if not doc.number:
        return []
    return [
        d
        for d in session.scalars(select(GazetteDocument).order_by(GazetteDocument.id))
        if d.id != doc.id and doc.number in (d.related_numbers or [])
    ]


def document_stamps(session: Session) -> list[tuple[str, dt.datetime]]:
    """(id, last change) of every stored document, in id order (the sitemap's)."""
    rows = session.execute(
        select(GazetteDocument.id, GazetteDocument.updated_at).order_by(GazetteDocument.id)
    )
    return [(doc_id, updated) for doc_id, updated in rows]
