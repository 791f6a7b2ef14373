"""The open data describing itself at stable URLs: the Data Package and each Table Schema.

``/datasets/datapackage.json`` and ``/datasets/{name}/schema.json`` were 404 while the dataset
pages and the DCAT catalogue talked about them (issue #14). Mounted before the downloads so
``datapackage.json`` is not taken for a dataset named ``datapackage``.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from feeds.cache import BuiltFeed
from publisher.opendata.dcat import web_package
from publisher.opendata.downloads import JSON_MEDIA_TYPE
from publisher.web.conditional import feed_response
from publisher.web.deps import DbSession, SettingsDep
from publisher.web.responses import get_and_head
from publisher.web.routes.opendata_common import (
    DOWNLOAD_MAX_AGE,
    LiveTables,
    catalog_modified,
    catalog_version,
    dataset_or_404,
    downloads,
    package_modified,
    package_version,
)

router = APIRouter(tags=["downloads"])


def _json(document: dict[str, Any]) -> bytes:
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


@get_and_head(router, "/datasets/datapackage.json")
def datapackage_json(request: Request, settings: SettingsDep) -> Response:
    """The Frictionless Data Package of the published datasets, paths as absolute URLs."""
    path = settings.datasets_dir / "datapackage.json"
    built = downloads.get(
        "datapackage.json",
        {"base": settings.base_url},
        package_version(settings),
        lambda: BuiltFeed.from_body(
            _json(web_package(json.loads(path.read_bytes()), settings.base_url)),
            JSON_MEDIA_TYPE,
            package_modified(settings),
        ),
    )
    return feed_response(request, built, max_age=DOWNLOAD_MAX_AGE)


@get_and_head(router, "/datasets/{name}/schema.json")
def table_schema_json(
    name: str, request: Request, settings: SettingsDep, db: DbSession, tables: LiveTables
) -> Response:
    """The dataset's Frictionless Table Schema (fields, types, constraints, keys)."""
    dataset = dataset_or_404(settings, db, tables, name)
    built = downloads.get(
        f"schema:{name}",
        None,
        catalog_version(settings, [dataset]),
        lambda: BuiltFeed.from_body(
            _json(dataset.resources[0].schema),
            JSON_MEDIA_TYPE,
            catalog_modified(settings, [dataset]),
        ),
    )
    return feed_response(request, built, max_age=DOWNLOAD_MAX_AGE)
