"""CSV files meant to be opened in a spreadsheet, and the rule every CSV we write follows.

UTF-8 with a byte-order mark for the staff exports, because Excel otherwise reads Chinese text
as mojibake. And no cell may start a formula (CSV injection, OWASP): text typed by the public
such as `=HYPERLINK(…)` or `@SUM(…)` would run when staff (or anyone downloading the open
data) open the file. A text cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage
return gets a leading apostrophe, which spreadsheets read as "this is text" and do not show.
Numbers are written as numbers and left alone.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

Cell = str | int | float | None

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(text: str) -> str:
    """The text, made inert for a spreadsheet when it would start a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def excel_csv(header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> bytes:
    """The rows under the header, as UTF-8 CSV with a BOM; None is an empty cell."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows([_cell(cell) for cell in row] for row in rows)
    return buffer.getvalue().encode("utf-8")


def _cell(value: Cell) -> str | int | float:
    if value is None:
        return ""
    return neutralise_formula(value) if isinstance(value, str) else value
