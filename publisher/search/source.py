"""What a feature gives the search: its kind of document, and how to build one from its rows.

A feature's manifest lists its `SearchSource`s (`Feature.search_sources`); the index
(`publisher.search.index`) calls them inside the transaction that changed their rows, so the
index is never out of step with the content. A source builds only public text: a document
holds what the public page shows, never personal data.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session


@dataclass(frozen=True)
class SearchDocument:
    """One public thing as the index holds it."""

    key: str
    title: str
    url: str
    #: the public text, in reading order (the snippet is cut from it)
    text: str
    #: words that are indexed but not shown (a document number, the kind of meeting)
    extra: str = ""
    department: str = ""
    #: "cancelled" / "withdrawn" when a stored state ended it early; "" otherwise
    status: str = ""
    starts_at: dt.datetime | None = None
    ends_at: dt.datetime | None = None
    #: its date (Beijing time) for the date filter and recency
    date: dt.date | None = None
    #: not found before this instant; None: found at once
    visible_from: dt.datetime | None = None


#: a phase of a document with a period, by the clock: before, during, after it; or ended early
PHASES = ("upcoming", "open", "closed", "cancelled")


@dataclass(frozen=True)
class SearchSource:
    """One kind of searchable document (a feature's meetings, the gazette's documents…)."""

    #: stable, ASCII: the API's `kind` filter
    kind: str
    #: what the results page calls it
    label_zh: str
    #: the public documents for these keys; a key missing from the answer is not (or no
    #: longer) public and leaves the index
    load: Callable[[Session, Sequence[str]], Mapping[str, SearchDocument]]
    #: every key that may be public (`publisher search reindex`)
    every_key: Callable[[Session], Iterable[str]]
    #: the models whose writes change documents, and which document keys a written row touches
    watches: Mapping[type[Any], Callable[[Any], Iterable[str]]] = field(default_factory=dict)
    #: how each phase (`PHASES`) of a document of this kind is said on the results page
    phase_labels_zh: Mapping[str, str] = field(default_factory=dict)
