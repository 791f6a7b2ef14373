"""The gazette's documents in the site's search: title, document number, issuer, the issue and
the body (docs/search.md). Stored by the ingest and by `publisher serve`'s loading of the
bundled issues, both through the ORM, so the index follows them in their transaction."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from publisher.documents.models import GazetteDocument
from publisher.search.source import SearchDocument, SearchSource


def document(doc: GazetteDocument) -> SearchDocument:
    issue = doc.issue.label if doc.issue is not None else ""
    return SearchDocument(
        key=doc.id,
        title=doc.title,
        url=f"/documents/{doc.id}",
        text=doc.body,
        extra=" ".join(p for p in (doc.number or "", doc.issuer or "", doc.section or "", issue)),
        department=doc.issuer or "",
        date=doc.date,
    )


def _load(session: Session, keys: Sequence[str]) -> Mapping[str, SearchDocument]:
    docs = session.scalars(
        select(GazetteDocument)
        .where(GazetteDocument.id.in_(list(keys)))
        .options(selectinload(GazetteDocument.issue))
    )
    return {d.id: document(d) for d in docs}


def _every_key(session: Session) -> Iterable[str]:
    return session.scalars(select(GazetteDocument.id))


DOCUMENT_SEARCH = SearchSource(
    kind="document",
    label_zh="公报文件",
    load=_load,
    every_key=_every_key,
    watches={GazetteDocument: lambda doc: (doc.id,)},
)
