"""The composition root: where the features are handed to the parts that serve them.

`publisher.opendata` and `publisher.ckan` know no feature package; what a feature publishes as
open data is declared by the feature (a `LiveTable`) and gathered here, once, for the app
factory (`app.state.open_data_tables`: the routes and the background CKAN push) and for the
command line (`publisher ckan push`).
"""

from __future__ import annotations

from consultation.open_data import ADOPTION_SUMMARIES_TABLE
from publisher.opendata.tables import LiveTable


def open_data_tables() -> tuple[LiveTable, ...]:
    """Every live table of the open-data catalogue, in the order it lists them."""
    return (ADOPTION_SUMMARIES_TABLE,)
