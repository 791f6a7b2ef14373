"""The open-data catalogue as DCAT-AP JSON-LD, for portals and harvesters (data.gov.cn, CKAN...).

Pure: the catalogue, the base URL and the size of each JSON rendition in, a JSON-LD document
out. Each dataset names its Table Schema (``dct:conformsTo``, served at a stable URL), its
contact point (the office), publisher, dates and keywords, as the DCAT-AP shapes in
``tests/opendata/dcat-ap-shapes.ttl`` require. Every URL is absolute (harvesters resolve
nothing), every text carries ``@language: zh``, dates are typed ``xsd:date``; a live table
with no rows yet has none (DCAT-AP makes ``dct:issued`` and ``dct:modified`` optional) rather
than an invented one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from publisher.opendata.catalog import DatasetInfo
from publisher.opendata.specs import PACKAGE_TITLE

CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
}
CATALOG_PUBLISHER = "三门峡市人民政府办公室"
CATALOG_DESCRIPTION = (
    "三门峡市人民政府从《三门峡市人民政府公报》整理发布的开放数据集，"
    "以及重大行政决策公开征求意见的采纳情况等实时数据，提供 CSV 与 JSON 下载及表结构说明。"
)
_EU = "http://publications.europa.eu/resource/authority"
_IANA = "https://www.iana.org/assignments/media-types"
FORMATS = {
    "csv": ("text/csv", f"{_EU}/file-type/CSV", "CSV"),
    "json": ("application/json", f"{_EU}/file-type/JSON", "JSON"),
}


PACKAGE_URL_PATH = "/datasets/datapackage.json"


def schema_url(base_url: str, name: str) -> str:
    """Where a dataset's Table Schema is served: stable, one per dataset."""
    return f"{base_url.rstrip('/')}/datasets/{name}/schema.json"


def web_package(package: Mapping[str, Any], base_url: str) -> dict[str, Any]:
    """The Data Package as served at ``/datasets/datapackage.json``: each resource's ``path``
    is the absolute URL of its CSV download and its schema also has a URL (``schemaUrl``),
    since the relative paths of the bundled file do not exist on the web; the bundled
    sources are named (title) without their file path, which is not served."""
    base = base_url.rstrip("/")
    served = dict(package)
    served["sources"] = [{"title": s["title"]} for s in package.get("sources", [])]
    served["resources"] = [
        {
            **resource,
            "path": f"{base}/datasets/{resource['name']}.csv",
            "sources": [{"title": s["title"]} for s in resource.get("sources", [])],
            "schemaUrl": schema_url(base, resource["name"]),
        }
        for resource in package["resources"]
    ]
    return served


def _zh(text: str) -> dict[str, str]:
    return {"@value": text, "@language": "zh"}


def _date(value: dt.date) -> dict[str, str]:
    return {"@value": value.isoformat(), "@type": "xsd:date"}


def _dates(dataset: DatasetInfo) -> dict[str, Any]:
    """``dct:issued`` and ``dct:modified``, when the dataset has them."""
    dates = {"dct:issued": dataset.issued, "dct:modified": dataset.modified}
    return {key: _date(value) for key, value in dates.items() if value is not None}


def _agent(name: str, node_id: str | None = None) -> dict[str, Any]:
    agent: dict[str, Any] = {"@type": "foaf:Agent", "foaf:name": _zh(name)}
    if node_id:
        agent["@id"] = node_id
    return agent


def _table_schema(base: str, dataset: DatasetInfo) -> dict[str, Any]:
    """``dct:conformsTo``: the dataset's Table Schema, a ``dct:Standard`` at a stable URL."""
    return {
        "@id": schema_url(base, dataset.name),
        "@type": "dct:Standard",
        "dct:title": _zh(f"{dataset.title}：表结构（Frictionless Table Schema）"),
    }


def _contact(base: str, dataset: DatasetInfo) -> dict[str, Any]:
    """``dcat:contactPoint``: the publishing office (never a person), reached on the site."""
    return {
        "@id": f"{base}/#contact",
        "@type": ["vcard:Kind", "vcard:Organization"],
        "vcard:fn": _zh(CATALOG_PUBLISHER),
        "vcard:hasURL": {"@id": f"{base}/datasets"},
    }


def _distribution(base: str, dataset: DatasetInfo, kind: str, size: int) -> dict[str, Any]:
    media, file_type, label = FORMATS[kind]
    url = f"{base}/datasets/{dataset.name}.{kind}"
    node: dict[str, Any] = {
        "@id": url,
        "@type": "dcat:Distribution",
        "dct:title": _zh(f"{dataset.title}（{label}）"),
        "dcat:accessURL": {"@id": f"{base}/datasets/{dataset.name}"},
        "dcat:downloadURL": {"@id": url},
        "dcat:mediaType": {"@id": f"{_IANA}/{media}"},
        "dct:format": {"@id": file_type},
        "dcat:byteSize": {"@value": str(size), "@type": "xsd:nonNegativeInteger"},
        "dct:conformsTo": {"@id": schema_url(base, dataset.name)},
        **_dates(dataset),
    }
    if dataset.license_url:
        node["dct:license"] = {"@id": dataset.license_url}
    return node


def build_catalog(
    datasets: Sequence[DatasetInfo], base_url: str, json_sizes: Mapping[str, int]
) -> dict[str, Any]:
    """The ``dcat:Catalog`` with one ``dcat:Dataset`` per dataset, each with CSV and JSON."""
    base = base_url.rstrip("/")
    items = []
    for ds in datasets:
        node: dict[str, Any] = {
            "@id": f"{base}/datasets/{ds.name}",
            "@type": "dcat:Dataset",
            "dct:identifier": ds.name,
            "dct:title": _zh(ds.title),
            "dct:description": _zh(ds.description),
            "dcat:keyword": [_zh(k) for k in ds.keywords],
            **_dates(ds),
            "dct:publisher": _agent(ds.publisher or CATALOG_PUBLISHER),
            "dcat:landingPage": {"@id": f"{base}/datasets/{ds.name}"},
            "dct:language": {"@id": f"{_EU}/language/ZHO"},
            "dct:conformsTo": _table_schema(base, ds),
            "dcat:contactPoint": _contact(base, ds),
            "dcat:distribution": [
                _distribution(base, ds, "csv", ds.resources[0].bytes),
                _distribution(base, ds, "json", json_sizes.get(ds.name, 0)),
            ],
        }
        if ds.license_url:
            node["dct:license"] = {"@id": ds.license_url}
        items.append(node)
    return {
        "@context": CONTEXT,
        "@id": f"{base}/catalog.jsonld",
        "@type": "dcat:Catalog",
        "dct:title": _zh(PACKAGE_TITLE),
        "dct:description": _zh(CATALOG_DESCRIPTION),
        "dct:publisher": _agent(CATALOG_PUBLISHER, f"{base}/#publisher"),
        "dct:language": {"@id": f"{_EU}/language/ZHO"},
        "foaf:homepage": {"@id": f"{base}/datasets"},
        "dcat:dataset": items,
    }
