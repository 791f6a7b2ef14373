"""The open-data catalogue's public pages for /sitemap.xml: every dataset and gazette document."""

from __future__ import annotations

from collections.abc import Iterator

from publisher.documents.queries import document_stamps
from publisher.sitemaps import SitemapContext, SitemapUrl
from publisher.web.routes.opendata_common import catalog


def open_data_pages(ctx: SitemapContext) -> Iterator[SitemapUrl]:
    datasets = catalog(ctx.settings, ctx.session, ctx.live_tables)
    yield SitemapUrl("/datasets", max((d.modified for d in datasets if d.modified), default=None))
    for dataset in datasets:
        yield SitemapUrl(f"/datasets/{dataset.name}", dataset.updated_at or dataset.modified)
    stamps = document_stamps(ctx.session)
    yield SitemapUrl("/documents", max((t for _, t in stamps), default=None))
    for doc_id, changed in stamps:
        yield SitemapUrl(f"/documents/{doc_id}", changed)
