"""Public pages of the open data and the gazette documents, in Simplified Chinese."""

from __future__ import annotations

import datetime as dt
from itertools import groupby
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from publisher.documents import queries
from publisher.documents.disclosure import DisclosureMeta
from publisher.documents.models import GazetteDocument, GazetteIssueRow
from publisher.documents.render import render_body_html
from publisher.feature import DocumentLinks
from publisher.opendata.downloads import csv_bytes, preview
from publisher.web.deps import DbSession, Now, SettingsDep
from publisher.web.links import linking_records
from publisher.web.memory import RenderedPage, answers_from_memory, memory_page, page_hit
from publisher.web.render import templates
from publisher.web.routes.opendata_api import field_rows
from publisher.web.routes.opendata_common import LiveTables, catalog, dataset_or_404

router = APIRouter(tags=["open data pages"], include_in_schema=False)
PREVIEW_ROWS = 20
TYPE_ZH = {
    "string": "文本",
    "integer": "整数",
    "number": "数值",
    "boolean": "是/否",
    "date": "日期",
    "datetime": "日期时间",
}


def _page(request: Request, name: str, **context: Any) -> HTMLResponse:
    return templates.TemplateResponse(request, name, context)  # cached: publisher.web.caching


@router.get("/datasets", response_class=HTMLResponse)
def datasets_page(
    request: Request, settings: SettingsDep, db: DbSession, tables: LiveTables
) -> HTMLResponse:
    return _page(request, "opendata/datasets.html", datasets=catalog(settings, db, tables))


@router.get("/datasets/{name}", response_class=HTMLResponse)
def dataset_page(
    name: str, request: Request, settings: SettingsDep, db: DbSession, tables: LiveTables
) -> HTMLResponse:
    ds = dataset_or_404(settings, db, tables, name)
    header, rows = preview(csv_bytes(settings.datasets_dir, ds), PREVIEW_ROWS)
    titles = {f["name"]: f.get("title", f["name"]) for f in ds.resources[0].schema["fields"]}
    return _page(
        request,
        "opendata/dataset.html",
        ds=ds,
        resource=ds.resources[0],
        fields=field_rows(ds.resources[0].schema),
        type_zh=TYPE_ZH,
        header=[(h, titles.get(h, h)) for h in header],
        rows=rows,
        preview_rows=PREVIEW_ROWS,
    )


#: the tracked tables the documents list reads (only ingestion writes them)
DOCUMENTS_WATCHES = (GazetteIssueRow.__tablename__, GazetteDocument.__tablename__)


@router.get("/documents", response_class=HTMLResponse)
async def documents_page(request: Request) -> Response:
    """Documents grouped by issue, then by section in printed order; kept in memory until
    an ingestion changes them (the whole archive on one page: rendered per request, it grew
    with every issue)."""

    def render(db: Session, now: dt.datetime) -> RenderedPage:
        issues = []
        for _, group in groupby(queries.list_documents(db), key=lambda d: d.issue_id):
            docs = list(group)
            sections = [
                (section or "其他", list(items))
                for section, items in groupby(docs, key=lambda d: d.section)
            ]
            issues.append((docs[0].issue, sections))
        return RenderedPage(_page(request, "opendata/documents.html", issues=issues))

    return await memory_page(request, "documents.list", DOCUMENTS_WATCHES, render)


answers_from_memory(documents_page, page_hit("documents.list", DOCUMENTS_WATCHES))


@router.get("/documents/{doc_id}", response_class=HTMLResponse)
def document_page(
    doc_id: str, request: Request, db: DbSession, now: Now, settings: SettingsDep
) -> HTMLResponse:
    doc = queries.get_document(db, doc_id)
    features: tuple[DocumentLinks, ...] = request.app.state.document_links
    return _page(
        request,
        "opendata/document.html",
        doc=doc,
        meta=DisclosureMeta.of(doc, settings.organisation_code),
        body=render_body_html(doc.body),
        related=queries.related_documents(db, doc),
        citing=queries.citing_documents(db, doc),
        # the consultation this document is the outcome of (docs/consultation.md)
        links_back=[link for links in features for link in links(db, doc.id, now)],
        meetings=linking_records(request, db, f"/documents/{doc.id}", now),
    )
