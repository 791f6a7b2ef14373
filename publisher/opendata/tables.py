"""Live tables: open datasets read from the database at request time, beside the Data Package.

A feature (consultation, ...) declares a `LiveTable`: its metadata, its Table Schema fields and
a function returning its rows from a session. The composition root (`publisher.wiring`) hands
the tables to whoever lists the catalogue — the web routes, the CKAN push — so this package
never imports a feature. The rows are rendered exactly like a file of the Data Package: a CSV
(UTF-8, no BOM, ``\\r\\n``, header of the field names) from which the JSON rendition is derived.

Dating: ``date_field`` names a field of the rows holding the instant (or day) each row was
published; the dataset's ``issued`` is the earliest, ``modified`` the newest, as days in
Asia/Shanghai. A table with no rows is still listed (0 rows, no dates).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from publisher.opendata.specs import LICENSE, FieldSpec
from publisher.spreadsheets import neutralise_formula
from publisher.timeutil import start_of_local_day

#: The office that publishes whatever the service itself produces (as opposed to a gazette issuer)
OFFICE = "三门峡市人民政府办公室"


@dataclass(frozen=True)
class LiveTable:
    """An open-data table read from the database at request time."""

    name: str  # stable ASCII slug: part of every URL and of the CKAN name
    title: str
    description: str
    keywords: tuple[str, ...]
    fields: tuple[FieldSpec, ...]
    primary_key: tuple[str, ...]
    source: str  # citation: what the data is published under, e.g. 三政办〔2018〕45号 第七条
    rows: Callable[[Session], list[dict[str, Any]]]
    #: field holding each row's publication instant (ISO string or aware datetime) or day
    date_field: str | None = None
    publisher: str = OFFICE
    license: Mapping[str, str] = field(default_factory=lambda: dict(LICENSE))

    def __post_init__(self) -> None:
        names = [f.name for f in self.fields]
        if not self.name or len(set(names)) != len(names):
            raise ValueError(f"live table {self.name!r}: needs a name and distinct field names")
        unknown = [n for n in (*self.primary_key, self.date_field) if n and n not in names]
        if unknown:
            raise ValueError(f"live table {self.name!r}: unknown fields {unknown}")

    @property
    def field_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    def schema(self) -> dict[str, Any]:
        """The Table Schema, shaped as the writer shapes those of the Data Package."""
        fields: list[dict[str, Any]] = []
        for spec in self.fields:
            entry: dict[str, Any] = {
                "name": spec.name,
                "title": spec.title,
                "type": spec.type,
                "description": spec.description,
            }
            if spec.name in self.primary_key:
                entry["constraints"] = {"required": True}
            fields.append(entry)
        schema: dict[str, Any] = {"fields": fields}
        if self.primary_key:
            key = self.primary_key
            schema["primaryKey"] = key[0] if len(key) == 1 else list(key)
        return schema

    def csv_bytes(self, rows: Sequence[Mapping[str, Any]]) -> bytes:
        """The rows as the dataset's CSV. A row whose keys are not exactly the fields is refused:
        the schema and the rows must never drift apart silently."""
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(self.field_names)
        expected = set(self.field_names)
        for row in rows:
            if set(row) != expected:
                raise ValueError(
                    f"live table {self.name!r}: row keys {sorted(row)} are not the fields "
                    f"{sorted(expected)}"
                )
            writer.writerow([cell(row[name]) for name in self.field_names])
        return buffer.getvalue().encode("utf-8")

    def instants(self, rows: Sequence[Mapping[str, Any]]) -> list[dt.datetime]:
        """The publication instants of the rows (``date_field``), aware; empty without one."""
        if self.date_field is None:
            return []
        return [to_instant(row[self.date_field]) for row in rows if row[self.date_field]]


def cell(value: object) -> str:
    """One value as a CSV cell: empty for None, ``true``/``false``, ISO dates and instants."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, str):
        return neutralise_formula(value)  # citizens' text: never a formula (CSV injection)
    return str(value)


def to_instant(value: object) -> dt.datetime:
    """An ISO string, a date or an aware datetime as an aware datetime (a day: its local
    midnight). A naive datetime is refused: guessing its zone is how dates go wrong."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value) if "T" in value else dt.date.fromisoformat(value)
    if isinstance(value, dt.datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value!r} in a live table")
        return value
    if isinstance(value, dt.date):
        return start_of_local_day(value)
    raise TypeError(f"not a date or instant: {value!r}")
