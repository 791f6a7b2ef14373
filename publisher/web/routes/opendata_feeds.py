"""The feed sources of the open data: gazette documents (filterable by issuer or section) and
the datasets of the catalogue, served by the one feed route factory (`publisher.web.feeds`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from feeds.model import FeedEntry, entry_guid
from feeds.source import FEEDS_EPOCH, FeedContext, FeedFilter, FeedSource
from publisher.documents import queries
from publisher.documents.models import GazetteDocument, GazetteIssueRow
from publisher.opendata import DatasetInfo
from publisher.timeutil import LOCAL_TZ
from publisher.web.routes.opendata_common import catalog, catalog_version

FEED_MAX_AGE = 600


def _local_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=LOCAL_TZ)


def _document_entry(doc: GazetteDocument, base: str) -> FeedEntry:
    """Published at the issue's date; a document changed by a re-ingest is a new revision."""
    day = doc.issue.publication_date or doc.date
    published = _local_midnight(day) if day else doc.created_at
    updated = published if doc.revision == 1 else max(published, doc.updated_at)
    facts = "；".join(x for x in (doc.number, doc.issuer, doc.issue.label) if x)
    return FeedEntry(
        guid=entry_guid("document", doc.id, doc.revision),
        title=doc.title,
        link=f"{base}/documents/{doc.id}",
        published=published,
        updated=updated,
        summary=facts,
        content=doc.body,
        categories=tuple(x for x in (doc.section,) if x),
        author_name=doc.issuer or "三门峡市人民政府办公室",
    )


def _document_rows(ctx: FeedContext) -> Sequence[GazetteDocument]:
    filters = ctx.filters
    return queries.list_documents(
        ctx.session, section=filters.get("section"), issuer=filters.get("issuer")
    )


def _document_entries(docs: Sequence[GazetteDocument], ctx: FeedContext) -> list[FeedEntry]:
    return [_document_entry(d, ctx.base_url) for d in docs]


DOCUMENTS_FEED = FeedSource(
    name="documents",
    title="三门峡市人民政府公报文件",
    subtitle="《三门峡市人民政府公报》各期所载文件",
    page_path="/documents",
    rows=_document_rows,
    entries=_document_entries,
    last_modified=lambda docs, ctx: _latest(_document_entries(docs, ctx)),
    watches=(GazetteDocument.__tablename__, GazetteIssueRow.__tablename__),
    filters=(
        FeedFilter(name="issuer", description="Only documents of this issuer.", max_length=200),
        FeedFilter(name="section", description="Only documents of this section.", max_length=100),
    ),
    max_age=FEED_MAX_AGE,
)


def _latest(entries: Sequence[FeedEntry]) -> dt.datetime:
    return max((e.updated for e in entries), default=FEEDS_EPOCH)


def _dataset_entry(ds: DatasetInfo, base: str) -> FeedEntry | None:
    """One entry per dataset; each publication feeding it (a new gazette issue, a newly
    published adoption summary) is a new revision. A live table with no rows yet has published
    nothing: it has no date, and enters the feed with its first row."""
    if ds.issued is None or ds.modified is None:
        return None
    published = _local_midnight(ds.issued)
    return FeedEntry(
        guid=entry_guid("dataset", ds.name, ds.revision),
        title=ds.title,
        link=f"{base}/datasets/{ds.name}",
        published=published,
        updated=max(published, ds.updated_at or _local_midnight(ds.modified)),
        summary=f"{ds.description}（{ds.row_count} 条记录）",
        categories=ds.keywords,
        author_name=ds.publisher or "三门峡市人民政府办公室",
    )


def _dataset_rows(ctx: FeedContext) -> Sequence[DatasetInfo]:
    return catalog(ctx.settings, ctx.session, ctx.live_tables)


def _dataset_entries(datasets: Sequence[DatasetInfo], ctx: FeedContext) -> list[FeedEntry]:
    return [e for e in (_dataset_entry(ds, ctx.base_url) for ds in datasets) if e]


DATASETS_FEED = FeedSource(
    name="datasets",
    title="三门峡市开放数据集",
    subtitle="从《三门峡市人民政府公报》整理及本站实时发布的开放数据集",
    page_path="/datasets",
    version=lambda ctx: catalog_version(ctx.settings, _dataset_rows(ctx)),
    rows=_dataset_rows,
    entries=_dataset_entries,
    last_modified=lambda datasets, ctx: _latest(_dataset_entries(datasets, ctx)),
    max_age=FEED_MAX_AGE,
)
