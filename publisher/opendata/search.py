"""The open-data catalogue's datasets in the site's search: name, title, description, keywords,
source documents and column titles (docs/search.md).

A dataset lives in the Data Package's files and in code, not in rows a transaction writes, so
it is indexed by `publisher search reindex`, after `publisher ingest gazette` and when
`publisher serve` starts (a few rows: instant).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from sqlalchemy.orm import Session

from publisher.opendata.catalog import DatasetInfo, ResourceInfo, read_package
from publisher.opendata.tables import LiveTable
from publisher.search.source import SearchDocument, SearchSource


def document(dataset: DatasetInfo) -> SearchDocument:
    fields = dataset.resources[0].schema.get("fields", [])
    columns = " ".join(str(f.get("title", "")) for f in fields)
    return SearchDocument(
        key=dataset.name,
        title=dataset.title,
        url=f"/datasets/{dataset.name}",
        text=dataset.description,
        extra=" ".join(
            [dataset.name, *dataset.keywords, *dataset.source_numbers, dataset.source, columns]
        ),
        department=dataset.publisher or "",
        date=dataset.modified,
    )


def _live_dataset(table: LiveTable) -> DatasetInfo:
    return DatasetInfo(
        name=table.name,
        title=table.title,
        description=table.description,
        keywords=table.keywords,
        publisher=table.publisher,
        source_numbers=(),
        gazette_issue="",
        gazette_issues=(),
        license="",
        license_url=None,
        issued=None,
        modified=None,
        resources=(ResourceInfo(table.name, "", "csv", "text/csv", table.schema(), 0, 0, None),),
        kind="live",
        source=table.source,
    )


def dataset_source(datasets_dir: Path, live_tables: Sequence[LiveTable]) -> SearchSource:
    """The catalogue's datasets: the package's (when there is one) and the live tables'."""

    def every(_session: Session) -> dict[str, DatasetInfo]:
        package = (Path(datasets_dir) / "datapackage.json").is_file()
        datasets = read_package(datasets_dir) if package else []
        datasets += [_live_dataset(t) for t in live_tables]
        return {d.name: d for d in datasets}

    def load(session: Session, keys: Sequence[str]) -> Mapping[str, SearchDocument]:
        datasets = every(session)
        return {k: document(datasets[k]) for k in keys if k in datasets}

    def every_key(session: Session) -> Iterable[str]:
        return every(session).keys()

    return SearchSource(kind="dataset", label_zh="开放数据", load=load, every_key=every_key)
