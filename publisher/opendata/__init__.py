"""Open data: the Frictionless Data Package built from the gazette, the live tables read from
the database, and the one catalogue of both."""

from publisher.opendata.catalog import (
    DatasetInfo,
    ResourceInfo,
    get_dataset,
    load_catalog,
    package_dataset,
    read_live_table,
    read_package,
)
from publisher.opendata.tables import LiveTable
from publisher.opendata.writer import (
    SourceIssue,
    WriteResult,
    award_per_enterprise,
    build_package,
    bundle_source,
    bundled_files,
    identify,
    issue_id,
    load_sources,
    source_filename,
    write_datasets,
)

__all__ = [
    "DatasetInfo",
    "LiveTable",
    "ResourceInfo",
    "SourceIssue",
    "WriteResult",
    "award_per_enterprise",
    "build_package",
    "bundle_source",
    "bundled_files",
    "get_dataset",
    "identify",
    "issue_id",
    "load_catalog",
    "load_sources",
    "package_dataset",
    "read_live_table",
    "read_package",
    "source_filename",
    "write_datasets",
]
