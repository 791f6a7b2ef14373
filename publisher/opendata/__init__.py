"""Open data: the Frictionless Data Package built from the gazette, and its reader."""

from publisher.opendata.catalog import DatasetInfo, ResourceInfo, get_dataset, load_catalog
from publisher.opendata.writer import (
    SourceIssue,
    WriteResult,
    award_per_enterprise,
    build_package,
    bundle_source,
    load_sources,
    source_filename,
    write_datasets,
)

__all__ = [
    "DatasetInfo",
    "ResourceInfo",
    "SourceIssue",
    "WriteResult",
    "award_per_enterprise",
    "build_package",
    "bundle_source",
    "get_dataset",
    "load_catalog",
    "load_sources",
    "source_filename",
    "write_datasets",
]
