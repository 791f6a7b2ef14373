"""The download renditions of a dataset: its CSV (optionally with a BOM) and typed JSON rows.

The CSV is the one source of truth — the file on disk (hashed in ``datapackage.json``), or for a
live table the CSV rendered from its rows when the catalogue was read; the BOM variant and the
JSON rows are derived from it and its Table Schema, so the three can never disagree.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from publisher.opendata.catalog import DatasetInfo, ResourceInfo

UTF8_BOM = b"\xef\xbb\xbf"
CSV_MEDIA_TYPE = "text/csv; charset=utf-8; header=present"
JSON_MEDIA_TYPE = "application/json"
_TRUE = {"true", "True", "TRUE", "1", "yes", "是"}
_FALSE = {"false", "False", "FALSE", "0", "no", "否"}


def csv_path(datasets_dir: Path, dataset: DatasetInfo) -> Path:
    """The CSV file of a package dataset (a live table has none: see ``csv_bytes``)."""
    if dataset.resources[0].data is not None:
        raise ValueError(f"{dataset.name} is a live table: its CSV is not a file")
    return Path(datasets_dir) / dataset.resources[0].path


def csv_bytes(datasets_dir: Path, dataset: DatasetInfo, bom: bool = False) -> bytes:
    """The published CSV; with ``bom`` the UTF-8 BOM that Excel needs to detect the encoding."""
    live = dataset.resources[0].data
    data = live if live is not None else csv_path(datasets_dir, dataset).read_bytes()
    return UTF8_BOM + data if bom and not data.startswith(UTF8_BOM) else data


def _reader(data: bytes) -> Iterator[list[str]]:
    text = data.decode("utf-8-sig")
    return csv.reader(io.StringIO(text, newline=""))


def typed_value(value: str, field_type: str) -> str | int | float | bool | None:
    """One CSV cell as the JSON value its Table Schema type says; empty non-strings are null."""
    if field_type == "string":
        return value
    if value == "":
        return None
    if field_type == "integer":
        return int(value)
    if field_type == "number":
        number = float(value)
        return int(number) if number.is_integer() and "." not in value else number
    if field_type == "boolean":
        if value in _TRUE:
            return True
        if value in _FALSE:
            return False
        raise ValueError(f"not a boolean: {value!r}")
    return value  # date, datetime, time, year...: ISO strings are already the JSON form


def typed_rows(
    resource: ResourceInfo, data: bytes, limit: int | None = None
) -> list[dict[str, Any]]:
    """Rows as objects keyed by field name, values typed per the schema, in file order."""
    fields = resource.schema.get("fields", [])
    types = {f["name"]: f.get("type", "string") for f in fields}
    reader = _reader(data)
    header = next(reader, [])
    rows: list[dict[str, Any]] = []
    for record in reader:
        if limit is not None and len(rows) >= limit:
            break
        rows.append(
            {
                name: typed_value(value, types.get(name, "string"))
                for name, value in zip(header, record, strict=False)
            }
        )
    return rows


def preview(data: bytes, limit: int = 20) -> tuple[list[str], list[list[str]]]:
    """Header and the first ``limit`` rows as printed, for the dataset page."""
    reader = _reader(data)
    header = next(reader, [])
    rows: list[list[str]] = []
    for record in reader:
        if len(rows) >= limit:
            break
        rows.append(record)
    return header, rows


def json_bytes(datasets_dir: Path, dataset: DatasetInfo) -> bytes:
    """The JSON rendition: an array of row objects, UTF-8, Chinese unescaped."""
    rows = typed_rows(dataset.resources[0], csv_bytes(datasets_dir, dataset))
    return json.dumps(rows, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
