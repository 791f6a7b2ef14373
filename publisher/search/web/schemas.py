"""What the search API answers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from pydantic import BaseModel, Field

from publisher.search.query import Hit
from publisher.search.snippets import html, plain


class SearchHitOut(BaseModel):
    kind: str = Field(description="`meeting`, `consultation`, `document` or `dataset`.")
    kind_zh: str
    id: str = Field(description="The thing's id within its kind (a meeting's number…).")
    title: str
    url: str = Field(description="Its public page, relative to the site.")
    snippet: str = Field(description="Text around the first word found (plain).")
    snippet_html: str = Field(description="The snippet as HTML: escaped, words in `<mark>`.")
    title_html: str = Field(description="The title as HTML: escaped, words in `<mark>`.")
    department: str = Field(description="Department or issuer; empty when none.")
    date: dt.date | None = Field(description="Its date (Beijing time): meeting day, opening…")
    phase: str | None = Field(
        description="By the clock: `upcoming`, `open`, `closed`, `cancelled`; null when the "
        "kind has no period."
    )
    phase_zh: str | None

    @classmethod
    def of(cls, hit: Hit) -> SearchHitOut:
        return cls(
            kind=hit.kind,
            kind_zh=hit.kind_label_zh,
            id=hit.key,
            title=hit.title,
            url=hit.url,
            snippet=plain(hit.snippet),
            snippet_html=html(hit.snippet),
            title_html=html(hit.title_marked),
            department=hit.department,
            date=hit.date,
            phase=hit.phase,
            phase_zh=hit.phase_label_zh,
        )

    @classmethod
    def list_of(cls, hits: Sequence[Hit]) -> list[SearchHitOut]:
        return [cls.of(h) for h in hits]
