"""RSS and Atom feeds of gazette documents (filterable by issuer or section) and datasets."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from feeds.cache import BuiltFeed
from feeds.model import FeedEntry, FeedInfo, entry_guid
from feeds.syndication import build_feed
from publisher.documents import queries
from publisher.documents.models import GazetteDocument
from publisher.opendata import DatasetInfo
from publisher.timeutil import LOCAL_TZ
from publisher.web.conditional import cached_feed_response
from publisher.web.deps import DbSession, SettingsDep
from publisher.web.routes.opendata_common import LiveTables, catalog, catalog_version

router = APIRouter(tags=["feeds"])
FEED_MAX_AGE = 600
_EPOCH = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


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


def _documents_feed(fmt: str) -> Callable[..., Response]:
    def endpoint(
        request: Request,
        db: DbSession,
        settings: SettingsDep,
        issuer: Annotated[str | None, Query(max_length=200)] = None,
        section: Annotated[str | None, Query(max_length=100)] = None,
    ) -> Response:
        """Gazette documents, newest first; ``?issuer=`` or ``?section=`` narrows the feed."""
        base = settings.base_url.rstrip("/")
        params = {"issuer": issuer, "section": section}
        latest, count = queries.documents_version(db, section=section, issuer=issuer)
        query = urlencode({k: v for k, v in params.items() if v})
        self_url = f"{base}/feeds/documents.{fmt}" + (f"?{query}" if query else "")

        def build() -> BuiltFeed:
            docs = queries.list_documents(db, section=section, issuer=issuer)
            entries = [_document_entry(d, base) for d in docs]
            updated = max((e.updated for e in entries), default=_EPOCH)
            title = "三门峡市人民政府公报文件" + "".join(f"（{v}）" for v in params.values() if v)
            info = FeedInfo(
                id=self_url,
                self_url=self_url,
                title=title,
                link=f"{base}/documents",
                updated=updated,
                subtitle="《三门峡市人民政府公报》各期所载文件",
            )
            return build_feed(fmt, info, entries)

        return cached_feed_response(
            request, f"documents.{fmt}", params, (latest, count), build, FEED_MAX_AGE
        )

    return endpoint


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


def _datasets_feed(fmt: str) -> Callable[..., Response]:
    def endpoint(
        request: Request, settings: SettingsDep, db: DbSession, tables: LiveTables
    ) -> Response:
        """The open datasets, most recently modified first."""
        base = settings.base_url.rstrip("/")
        datasets = catalog(settings, db, tables)

        def build() -> BuiltFeed:
            entries = [e for e in (_dataset_entry(ds, base) for ds in datasets) if e]
            updated = max((e.updated for e in entries), default=_EPOCH)
            info = FeedInfo(
                id=f"{base}/feeds/datasets.{fmt}",
                self_url=f"{base}/feeds/datasets.{fmt}",
                title="三门峡市开放数据集",
                link=f"{base}/datasets",
                updated=updated,
                subtitle="从《三门峡市人民政府公报》整理及本站实时发布的开放数据集",
            )
            return build_feed(fmt, info, entries)

        version = catalog_version(settings, datasets)
        return cached_feed_response(
            request, f"datasets.{fmt}", {"base": base}, version, build, FEED_MAX_AGE
        )

    return endpoint


for _fmt in ("rss", "atom"):
    for _method in ("GET", "HEAD"):
        router.add_api_route(
            f"/feeds/documents.{_fmt}",
            _documents_feed(_fmt),
            methods=[_method],
            response_class=Response,
            name=f"documents_feed_{_fmt}_{_method.lower()}",
            summary=f"Gazette documents feed ({_fmt})",
        )
        router.add_api_route(
            f"/feeds/datasets.{_fmt}",
            _datasets_feed(_fmt),
            methods=[_method],
            response_class=Response,
            name=f"datasets_feed_{_fmt}_{_method.lower()}",
            summary=f"Open datasets feed ({_fmt})",
        )
