"""CSV files meant to be opened in a spreadsheet: the staff exports.

UTF-8 with a byte-order mark, because Excel otherwise reads Chinese text as mojibake. One
writer for every staff export, so that what every such file needs (and what the security
review will add, e.g. neutralising cells that start a formula) is done in one place.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

Cell = str | int | float | None


def excel_csv(header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> bytes:
    """The rows under the header, as UTF-8 CSV with a BOM; None is an empty cell."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(["" if cell is None else cell for cell in row] for row in rows)
    return buffer.getvalue().encode("utf-8")
