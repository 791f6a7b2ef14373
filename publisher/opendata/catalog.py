"""Read the published Data Package back as a catalogue, for the web pages and the CKAN push.

Readers never parse the gazette: they trust ``datapackage.json``, which the writer generates
together with the CSVs (and the tests check the two agree).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from publisher.errors import NotFound


@dataclass(frozen=True)
class ResourceInfo:
    name: str
    path: str  # relative to the datasets folder, e.g. data/historic-buildings.csv
    format: str
    media_type: str
    schema: dict[str, Any]
    bytes: int
    row_count: int
    hash: str | None


@dataclass(frozen=True)
class DatasetInfo:
    name: str
    title: str
    description: str
    keywords: tuple[str, ...]
    publisher: str | None
    source_numbers: tuple[str, ...]
    gazette_issue: str  # the newest gazette issue it comes from, e.g. 2019-02
    gazette_issues: tuple[str, ...]
    license: str  # SPDX-style id, e.g. CC-BY-4.0
    license_url: str | None
    issued: dt.date
    modified: dt.date
    resources: tuple[ResourceInfo, ...]


def load_catalog(datasets_dir: Path) -> list[DatasetInfo]:
    """Every dataset of the package at ``datasets_dir/datapackage.json``, in package order."""
    path = Path(datasets_dir) / "datapackage.json"
    if not path.is_file():
        raise NotFound(
            f"No Data Package at {path}; run `publisher ingest gazette FILE` first.",
            f"未找到数据包 {path}，请先运行 publisher ingest gazette FILE。",
        )
    package = json.loads(path.read_text(encoding="utf-8"))
    return [_dataset(resource, package) for resource in package["resources"]]


def _dataset(resource: dict[str, Any], package: dict[str, Any]) -> DatasetInfo:
    licenses = resource.get("licenses") or package.get("licenses") or [{}]
    issues = tuple(resource.get("gazetteIssues", ()))
    return DatasetInfo(
        name=resource["name"],
        title=resource["title"],
        description=resource.get("description", ""),
        keywords=tuple(resource.get("keywords", ())),
        publisher=resource.get("publisher"),
        source_numbers=tuple(resource.get("sourceNumbers", ())),
        gazette_issue=issues[-1] if issues else "",
        gazette_issues=issues,
        license=licenses[0].get("name", ""),
        license_url=licenses[0].get("path"),
        issued=dt.date.fromisoformat(resource["issued"]),
        modified=dt.date.fromisoformat(resource["modified"]),
        resources=(
            ResourceInfo(
                name=resource["name"],
                path=resource["path"],
                format=resource.get("format", "csv"),
                media_type=resource.get("mediatype", "text/csv"),
                schema=resource.get("schema", {}),
                bytes=int(resource["bytes"]),
                row_count=int(resource["rowCount"]),
                hash=resource.get("hash"),
            ),
        ),
    )


def get_dataset(datasets_dir: Path, name: str) -> DatasetInfo:
    """One dataset by name; NotFound when the package has no such dataset."""
    for dataset in load_catalog(datasets_dir):
        if dataset.name == name:
            return dataset
    raise NotFound(f"No dataset named {name!r}.", f"没有名为 {name} 的数据集。", name=name)
