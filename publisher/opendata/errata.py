"""The gazette's own misprints, corrected when the open data is published.

A reviewed table (``errata.csv`` next to this module: dataset, field, source number, original,
correction, reason) is part of the code, so the package stays a pure function of the bundled
sources and a correction goes through review like any change. The gazette's text is never
altered: documents and their bodies keep what was printed; only the table datasets' cells
are corrected, and each corrected dataset says so in its description and ``errata`` property.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

ERRATA_FILE = Path(__file__).resolve().parent / "errata.csv"


@dataclass(frozen=True)
class Erratum:
    dataset: str
    field: str
    source_number: str
    original: str
    correction: str
    reason: str

    def note_zh(self) -> str:
        return f"勘误：原文“{self.original}”更正为“{self.correction}”（{self.reason}）"

    def as_property(self) -> dict[str, str]:
        return {
            "field": self.field,
            "original": self.original,
            "correction": self.correction,
            "reason": self.reason,
        }


def load_errata(path: Path = ERRATA_FILE) -> tuple[Erratum, ...]:
    with path.open(encoding="utf-8", newline="") as handle:
        return tuple(Erratum(**row) for row in csv.DictReader(handle))


def apply_errata(
    dataset: str,
    source_number: str,
    fields: list[str],
    rows: list[list[str]],
    errata: tuple[Erratum, ...],
) -> tuple[list[list[str]], list[Erratum]]:
    """The rows with each erratum of this dataset and source document applied to its field
    (whole-cell match), and the errata that changed a cell."""
    applied: list[Erratum] = []
    out = [list(row) for row in rows]
    mine = [
        e
        for e in errata
        if e.dataset == dataset and e.source_number == source_number and e.field in fields
    ]
    for erratum in mine:
        column = fields.index(erratum.field)
        hits = [row for row in out if row[column] == erratum.original]
        for row in hits:
            row[column] = erratum.correction
        if hits:
            applied.append(erratum)
    return out, applied
