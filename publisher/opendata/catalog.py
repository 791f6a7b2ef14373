"""The open-data catalogue: the Data Package's datasets and the live tables, read one way.

`read_package` is the one reader of ``datapackage.json``; it trusts the file, which the writer
generates together with the CSVs (and the tests check the two agree). `read_live_table` reads a
`LiveTable`'s rows from the database at call time and renders them as the package renders its
files. `load_catalog` is the catalogue every consumer lists — pages, API, DCAT, feeds and the
CKAN push — so that none of them can list a dataset the others do not.
"""

from __future__ import annotations

import builtins
import datetime as dt
import hashlib
import json
import os
import stat
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from sqlalchemy.orm import Session

from publisher.errors import NotFound
from publisher.opendata.tables import LiveTable
from publisher.timeutil import local_date

DatasetKind = Literal["package", "live"]


@dataclass(frozen=True)
class ResourceInfo:
    name: str
    path: str  # relative to the datasets folder, e.g. data/historic-buildings.csv; "" when live
    format: str
    media_type: str
    schema: dict[str, Any]
    bytes: int
    row_count: int
    hash: str | None
    #: a live table's CSV, rendered from its rows when the catalogue was read; None: the file
    data: builtins.bytes | None = field(default=None, repr=False, compare=False)


@dataclass(frozen=True)
class DatasetInfo:
    name: str
    title: str
    description: str
    keywords: tuple[str, ...]
    publisher: str | None
    source_numbers: tuple[str, ...]
    gazette_issue: str  # the newest gazette issue it comes from, e.g. 2019-02; "" when none
    gazette_issues: tuple[str, ...]
    license: str  # SPDX-style id, e.g. CC-BY-4.0
    license_url: str | None
    issued: dt.date | None  # None only for a live table with no rows yet
    modified: dt.date | None
    resources: tuple[ResourceInfo, ...]
    kind: DatasetKind = "package"
    source: str = ""  # citation: the gazette issues, or what a live table is published under
    #: publications that fed it: gazette issues (package), distinct publication instants (live)
    revision: int = 1
    #: the newest row's publication instant (live tables); package datasets are dated by day
    updated_at: dt.datetime | None = None

    @property
    def row_count(self) -> int:
        return self.resources[0].row_count


def _package_path(datasets_dir: Path) -> str:
    # os.path rather than pathlib: this runs for every download, and building two Paths
    # was half the cost of a download's 304 served from memory (#15)
    return os.path.join(os.fspath(datasets_dir), "datapackage.json")


def read_package(datasets_dir: Path) -> list[DatasetInfo]:
    """Every dataset of the package at ``datasets_dir/datapackage.json``, in package order.

    Read again only when the file changed (its inode, size or modification time: ingestion
    replaces it whole): every download and catalogue request asks, and reading and parsing
    the package each time was most of a download's 304 (#15)."""
    return list(_package(datasets_dir).datasets)


def package_dataset(datasets_dir: Path, name: str) -> DatasetInfo | None:
    """The package's dataset called ``name``, or None; as current as `read_package`."""
    return _package(datasets_dir).by_name.get(name)


@dataclass(frozen=True)
class _PackageRead:
    version: tuple[int, int, int]  # the file's inode, size and modification time when read
    datasets: tuple[DatasetInfo, ...]
    by_name: dict[str, DatasetInfo]


def _package(datasets_dir: Path) -> _PackageRead:
    path = _package_path(datasets_dir)
    try:
        found = os.stat(path)
    except FileNotFoundError:
        found = None
    if found is None or not stat.S_ISREG(found.st_mode):
        raise NotFound(
            f"No Data Package at {path}; run `publisher ingest gazette FILE` first.",
            f"未找到数据包 {path}，请先运行 publisher ingest gazette FILE。",
        )
    version = (found.st_ino, found.st_size, found.st_mtime_ns)
    kept = _PACKAGES_READ.get(path)
    if kept is not None and kept.version == version:
        return kept
    package = json.loads(Path(path).read_text(encoding="utf-8"))
    if not isinstance(package, dict) or not isinstance(package.get("resources"), list):
        raise ValueError(f"{path} is not a Data Package: no list of resources")
    datasets = tuple(_dataset(resource, package) for resource in package["resources"])
    if len(_PACKAGES_READ) >= 16:
        _PACKAGES_READ.clear()
    read = _PACKAGES_READ[path] = _PackageRead(version, datasets, {d.name: d for d in datasets})
    return read


#: package file -> what `_package` read from it
_PACKAGES_READ: dict[str, _PackageRead] = {}


def _dataset(resource: dict[str, Any], package: dict[str, Any]) -> DatasetInfo:
    licenses = resource.get("licenses") or package.get("licenses") or [{}]
    issues = tuple(resource.get("gazetteIssues", ()))
    sources = [s.get("title") or s.get("path") for s in resource.get("sources", ())]
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
        kind="package",
        source="; ".join(s for s in sources if s),
        revision=max(1, len(issues)),
    )


def read_live_table(table: LiveTable, session: Session) -> DatasetInfo:
    """A live table as a dataset: its rows read now, rendered as its CSV."""
    rows = table.rows(session)
    data = table.csv_bytes(rows)
    instants = table.instants(rows)
    return DatasetInfo(
        name=table.name,
        title=table.title,
        description=table.description,
        keywords=table.keywords,
        publisher=table.publisher,
        source_numbers=(),
        gazette_issue="",
        gazette_issues=(),
        license=table.license.get("name", ""),
        license_url=table.license.get("path"),
        issued=local_date(min(instants)) if instants else None,
        modified=local_date(max(instants)) if instants else None,
        resources=(
            ResourceInfo(
                name=table.name,
                path="",
                format="csv",
                media_type="text/csv",
                schema=table.schema(),
                bytes=len(data),
                row_count=len(rows),
                hash="sha256:" + hashlib.sha256(data).hexdigest(),
                data=data,
            ),
        ),
        kind="live",
        source=table.source,
        revision=max(1, len(set(instants))),
        updated_at=max(instants) if instants else None,
    )


def load_catalog(
    datasets_dir: Path, session: Session, live_tables: Sequence[LiveTable]
) -> list[DatasetInfo]:
    """The catalogue: the package's datasets in package order, then the live tables in the
    order given. NotFound without a package; a name used twice is a programming error."""
    datasets = read_package(datasets_dir)
    datasets += [read_live_table(table, session) for table in live_tables]
    names = [d.name for d in datasets]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ValueError(f"dataset names used twice in the catalogue: {duplicates}")
    return datasets


def get_dataset(
    datasets_dir: Path, session: Session, live_tables: Sequence[LiveTable], name: str
) -> DatasetInfo:
    """One dataset of the catalogue by name (a live table's rows are read only if it is the
    one asked for); NotFound when there is no such dataset."""
    for dataset in read_package(datasets_dir):
        if dataset.name == name:
            return dataset
    for table in live_tables:
        if table.name == name:
            return read_live_table(table, session)
    raise NotFound(f"No dataset named {name!r}.", f"没有名为 {name} 的数据集。", name=name)
