"""The seam between the service's open data and the push: the catalogue as `LocalDataset`s.

The push publishes exactly what the site lists: `publisher.opendata.load_catalog` — the Data
Package's datasets and the live tables handed in by the caller (this package imports no
feature). Each dataset becomes one CKAN dataset with two files, the same bytes the site serves
at `/datasets/{name}.csv` and `/datasets/{name}.json`. Document numbers and gazette issues go
to the extras `document_number` and `gazette_issue`; a dataset with several has them joined
with "; " (oldest issue first), the separator the `source` extra already uses.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from publisher.ckan.local import LocalDataset, LocalResource
from publisher.opendata import DatasetInfo, LiveTable, load_catalog
from publisher.opendata.downloads import csv_bytes, json_bytes
from publisher.settings import Settings

#: Frictionless/SPDX licence names to CKAN's default licence ids
LICENCES = {
    "cc-by-4.0": "cc-by",
    "cc-by": "cc-by",
    "cc-by-sa-4.0": "cc-by-sa",
    "cc0-1.0": "cc-zero",
    "cc0": "cc-zero",
    "odc-by-1.0": "odc-by",
    "odc-by": "odc-by",
    "odbl-1.0": "odc-odbl",
    "odc-pddl-1.0": "odc-pddl",
    "pddl": "odc-pddl",
}
#: how several values share one extra
JOIN = "; "


def licence_id(name: str) -> str:
    return LICENCES.get(name.strip().lower(), name.strip().lower())


def extras_of(dataset: DatasetInfo) -> dict[str, str]:
    """The extras the push owns; empty values are left out (and so removed from CKAN)."""
    extras = {
        "document_number": JOIN.join(dataset.source_numbers),
        "gazette_issue": JOIN.join(dataset.gazette_issues),
        "issuing_body": dataset.publisher or "",
        "source": dataset.source,
    }
    return {key: value.strip() for key, value in extras.items() if value and value.strip()}


def local_dataset(settings: Settings, dataset: DatasetInfo) -> LocalDataset:
    """One catalogue dataset as the push sends it: its metadata, its CSV and its JSON."""
    title = dataset.title or dataset.name
    csv_data = csv_bytes(settings.datasets_dir, dataset)
    return LocalDataset(
        name=dataset.name,
        title=title,
        notes=dataset.description,
        tags=list(dataset.keywords),
        license_id=licence_id(dataset.license),
        extras=extras_of(dataset),
        resources=[
            LocalResource(f"{dataset.name}.csv", "CSV", csv_data, f"{title}（CSV，UTF-8）"),
            LocalResource(
                f"{dataset.name}.json",
                "JSON",
                json_bytes(settings.datasets_dir, dataset),
                f"{title}（JSON）",
            ),
        ],
    )


def collect_local_datasets(
    settings: Settings, session: Session, live_tables: Sequence[LiveTable]
) -> list[LocalDataset]:
    """Everything the site lists as open data, package and live tables alike.

    Raises NotFound when there is no Data Package: pushing an empty catalogue would mark every
    dataset in CKAN deleted, so a missing package stops the push instead.
    """
    catalog = load_catalog(settings.datasets_dir, session, live_tables)
    return [local_dataset(settings, dataset) for dataset in catalog]
