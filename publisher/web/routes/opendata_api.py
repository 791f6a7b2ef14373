"""Open data for developers: CSV/JSON downloads, JSON metadata, the DCAT catalogue, documents.

Every route lists the one catalogue (`opendata_common.catalog`): the Data Package's datasets
and the live tables. Downloads and the catalogue go through ``feed_response``: strong ETag from
the bytes, 304 when the client is current. Unknown names raise ``NotFound``; the error mapper
answers JSON for these paths.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from pydantic import Field

from feeds.cache import BuiltFeed
from publisher.documents import queries
from publisher.documents.disclosure import DisclosureMeta, Validity
from publisher.documents.models import GazetteDocument
from publisher.opendata import DatasetInfo
from publisher.opendata.catalog import DatasetKind
from publisher.opendata.dcat import build_catalog
from publisher.opendata.downloads import (
    CSV_MEDIA_TYPE,
    JSON_MEDIA_TYPE,
    csv_bytes,
    json_bytes,
)
from publisher.privacy import PublicModel
from publisher.settings import Settings
from publisher.web.conditional import feed_response
from publisher.web.deps import DbSession, SettingsDep
from publisher.web.memory import answers_from_memory
from publisher.web.openapi import media_responses
from publisher.web.responses import PagingDep, get_and_head
from publisher.web.routes.opendata_common import (
    DOWNLOAD_MAX_AGE,
    LiveTables,
    attachment,
    catalog,
    catalog_modified,
    catalog_version,
    dataset_or_404,
    download_hit,
    download_response,
    downloads,
)

router = APIRouter(tags=["open data"])
JSONLD_MEDIA_TYPE = "application/ld+json"


class FieldOut(PublicModel):
    field: str  # the ASCII column name in the CSV
    title: str
    type: str
    description: str
    required: bool


class DownloadOut(PublicModel):
    format: str
    url: str
    media_type: str
    bytes: int | None


class DatasetOut(PublicModel):
    """A dataset's metadata; ``id`` is the stable ASCII slug used in every URL.

    ``kind``: ``package`` (a file of the Data Package, from the gazette) or ``live`` (read from
    the service's database at request time, e.g. adoption summaries). ``issued``/``modified``
    are null only for a live table with no rows yet."""

    id: str
    kind: DatasetKind
    title: str
    description: str
    keywords: list[str]
    publisher: str | None
    source: str
    source_numbers: list[str]
    gazette_issue: str
    gazette_issues: list[str]
    license: str
    license_url: str | None
    issued: dt.date | None
    modified: dt.date | None
    row_count: int
    page_url: str
    downloads: list[DownloadOut]
    fields: list[FieldOut]
    primary_key: str | list[str] | None
    table_schema: dict[str, Any]

    @classmethod
    def of(cls, ds: DatasetInfo, base_url: str) -> DatasetOut:
        base = base_url.rstrip("/")
        resource = ds.resources[0]
        schema = resource.schema
        return cls(
            id=ds.name,
            kind=ds.kind,
            title=ds.title,
            description=ds.description,
            keywords=list(ds.keywords),
            publisher=ds.publisher,
            source=ds.source,
            source_numbers=list(ds.source_numbers),
            gazette_issue=ds.gazette_issue,
            gazette_issues=list(ds.gazette_issues),
            license=ds.license,
            license_url=ds.license_url,
            issued=ds.issued,
            modified=ds.modified,
            row_count=resource.row_count,
            page_url=f"{base}/datasets/{ds.name}",
            downloads=[
                DownloadOut(
                    format="csv",
                    url=f"{base}/datasets/{ds.name}.csv",
                    media_type="text/csv",
                    bytes=resource.bytes,
                ),
                DownloadOut(
                    format="csv (Excel, UTF-8 BOM)",
                    url=f"{base}/datasets/{ds.name}.csv?bom=1",
                    media_type="text/csv",
                    bytes=resource.bytes + 3,
                ),
                DownloadOut(
                    format="json",
                    url=f"{base}/datasets/{ds.name}.json",
                    media_type=JSON_MEDIA_TYPE,
                    bytes=None,
                ),
            ],
            fields=field_rows(schema),
            primary_key=schema.get("primaryKey"),
            table_schema=schema,
        )


def field_rows(schema: dict[str, Any]) -> list[FieldOut]:
    return [
        FieldOut(
            field=f["name"],
            title=f.get("title", ""),
            type=f.get("type", "string"),
            description=f.get("description", ""),
            required=bool(f.get("constraints", {}).get("required", False)),
        )
        for f in schema.get("fields", [])
    ]


class DocumentSummaryOut(PublicModel):
    id: str
    issue: str
    position: int
    section: str | None
    number: str | None
    title: str
    issuer: str | None
    date: dt.date | None = Field(description="成文日期 (the date the document was signed)")
    url: str
    # 政府信息公开 metadata (publisher.documents.disclosure)
    index_number: str = Field(description="索引号: `<organisation code>/<year>-<NN><PPP>`")
    topic: str | None = Field(description="主题分类 (the State Council's topic classes)")
    published_on: dt.date | None = Field(description="发布日期: the gazette issue's date")
    validity: Validity = Field(description="有效性: effective, repealed or amended")
    validity_zh: str
    validity_note: str | None = Field(description="what repealed or amended it")

    @classmethod
    def of(cls, doc: GazetteDocument, settings: Settings) -> DocumentSummaryOut:
        meta = DisclosureMeta.of(doc, settings.organisation_code)
        return cls(
            id=doc.id,
            issue=doc.issue_id,
            position=doc.position,
            section=doc.section,
            number=doc.number,
            title=doc.title,
            issuer=doc.issuer,
            date=doc.date,
            url=f"{settings.base_url.rstrip('/')}/documents/{doc.id}",
            index_number=meta.index_number,
            topic=meta.topic,
            published_on=meta.published_on,
            validity=meta.validity,
            validity_zh=meta.validity.label_zh,
            validity_note=meta.validity_note,
        )


class DocumentOut(DocumentSummaryOut):
    issue_title: str
    related_numbers: list[str]
    related_documents: list[str]  # ids of stored documents among related_numbers
    body: str  # markdown-ish text, see docs/gazette-ingestion.md


# --- downloads ---------------------------------------------------------------------------


@get_and_head(
    router,
    "/datasets/{name}.csv",
    tags=["downloads"],
    response_class=Response,
    responses=media_responses(CSV_MEDIA_TYPE, "The rows as CSV.", conditional=True),
)
def dataset_csv(
    name: str,
    request: Request,
    settings: SettingsDep,
    db: DbSession,
    tables: LiveTables,
    bom: Annotated[bool, Query(description="1: prepend the UTF-8 BOM (for Excel)")] = False,
) -> Response:
    """The dataset as CSV (UTF-8); ``?bom=1`` for Excel's double-click opening."""
    ds = dataset_or_404(settings, db, tables, name)
    response = download_response(
        request,
        settings,
        ds,
        "csv-bom" if bom else "csv",
        CSV_MEDIA_TYPE,
        lambda: csv_bytes(settings.datasets_dir, ds, bom=bom),
    )
    suffix = "-excel" if bom else ""
    response.headers["Content-Disposition"] = attachment(f"{ds.name}{suffix}.csv")
    return response


answers_from_memory(dataset_csv, download_hit("csv", lambda name: f"{name}.csv"))


@get_and_head(
    router,
    "/datasets/{name}.json",
    tags=["downloads"],
    response_class=Response,
    responses=media_responses(
        JSON_MEDIA_TYPE,
        "The rows as JSON objects.",
        schema={"type": "array", "items": {"type": "object"}},
        conditional=True,
    ),
)
def dataset_json(
    name: str, request: Request, settings: SettingsDep, db: DbSession, tables: LiveTables
) -> Response:
    """The dataset's rows as JSON objects, values typed per its Table Schema."""
    ds = dataset_or_404(settings, db, tables, name)
    return download_response(
        request,
        settings,
        ds,
        "json",
        JSON_MEDIA_TYPE,
        lambda: json_bytes(settings.datasets_dir, ds),
    )


answers_from_memory(dataset_json, download_hit("json"))


def catalog_document(settings: Settings, datasets: list[DatasetInfo]) -> bytes:
    sizes = {ds.name: len(json_bytes(settings.datasets_dir, ds)) for ds in datasets}
    document = build_catalog(datasets, settings.base_url, sizes)
    return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")


@get_and_head(
    router,
    "/catalog.jsonld",
    tags=["downloads"],
    response_class=Response,
    responses=media_responses(
        JSONLD_MEDIA_TYPE, "DCAT-AP JSON-LD.", schema={"type": "object"}, conditional=True
    ),
)
def catalog_jsonld(
    request: Request, settings: SettingsDep, db: DbSession, tables: LiveTables
) -> Response:
    """The catalogue as DCAT-AP JSON-LD, for harvesters."""
    datasets = catalog(settings, db, tables)
    built = downloads.get(
        "catalog.jsonld",
        {"base": settings.base_url},
        catalog_version(settings, datasets),
        lambda: BuiltFeed.from_body(
            catalog_document(settings, datasets),
            JSONLD_MEDIA_TYPE,
            catalog_modified(settings, datasets),
        ),
    )
    return feed_response(request, built, max_age=DOWNLOAD_MAX_AGE)


# --- JSON metadata -----------------------------------------------------------------------


@router.get("/api/v1/datasets", response_model=list[DatasetOut])
def api_datasets(
    settings: SettingsDep,
    db: DbSession,
    tables: LiveTables,
    paging: PagingDep,
    kind: Annotated[
        DatasetKind | None,
        Query(description="`package`: published files; `live`: read from the database"),
    ] = None,
) -> list[DatasetOut]:
    """Every dataset, live tables included, with its schema and download URLs, a page at a
    time (`Link` and `X-Total-Count` headers give the others)."""
    found = [ds for ds in catalog(settings, db, tables) if kind is None or ds.kind == kind]
    return [DatasetOut.of(ds, settings.base_url) for ds in paging.take(found)]


@router.get("/api/v1/datasets/{name}", response_model=DatasetOut)
def api_dataset(name: str, settings: SettingsDep, db: DbSession, tables: LiveTables) -> DatasetOut:
    """One dataset: its schema, licence and download URLs."""
    return DatasetOut.of(dataset_or_404(settings, db, tables, name), settings.base_url)


@router.get("/api/v1/documents", response_model=list[DocumentSummaryOut])
def api_documents(
    db: DbSession,
    settings: SettingsDep,
    paging: PagingDep,
    issue: Annotated[str | None, Query(max_length=16)] = None,
    section: Annotated[str | None, Query(max_length=100)] = None,
    issuer: Annotated[str | None, Query(max_length=200)] = None,
) -> list[DocumentSummaryOut]:
    """Gazette documents, newest issue first, a page at a time (`Link` and `X-Total-Count`
    headers give the others); filter by issue id, section or issuer."""
    found = queries.documents_page(
        db, paging.offset, paging.per_page, issue=issue, section=section, issuer=issuer
    )
    paging.found(found.total)
    return [DocumentSummaryOut.of(d, settings) for d in found.rows]


@router.get("/api/v1/documents/{doc_id}", response_model=DocumentOut)
def api_document(doc_id: str, db: DbSession, settings: SettingsDep) -> DocumentOut:
    """One gazette document with its text and the documents it cites."""
    doc = queries.get_document(db, doc_id)
    summary = DocumentSummaryOut.of(doc, settings)
    return DocumentOut(
        **summary.model_dump(),
        issue_title=doc.issue.label,
        related_numbers=list(doc.related_numbers or []),
        related_documents=[d.id for d in queries.related_documents(db, doc)],
        body=doc.body,
    )
