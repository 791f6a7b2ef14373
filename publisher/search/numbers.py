"""Document numbers (文号) as one search term, however they are typed.

``三政办〔2018〕45号``, ``三政办[2018]45号``, ``三政办（2018）45号`` and ``三政办2018 45号`` are
the same number. The text and the query are both scanned for numbers, and each one found adds
one term, ``三政办2018年45号``, that the segmenter never sees: the same term at index and query
time, whatever the brackets and spaces.

In running text the issuer's abbreviation is not delimited (``根据三政办〔2018〕45号文件``), so
the index adds a term for each ending of the Chinese run before the year (2 to 6 characters:
``政办…``, ``三政办…``, ``据三政办…``); the query uses the run as typed, up to 6 characters.
Pure: no storage, no segmenter.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

_OPEN = r"[〔\[［(（【〈｛{]"
_CLOSE = r"[〕\]］)）】〉｝}]"
#: the issuer's run, the year in brackets (or followed by a space or 年), the number, 号
_NUMBER = re.compile(
    rf"(?P<issuer>[\u4e00-\u9fff]{{1,12}})\s*(?:{_OPEN}\s*(?P<y1>(?:19|20)\d\d)\s*{_CLOSE}"
    rf"|(?P<y2>(?:19|20)\d\d)(?:\s*年|\s+|(?=\s*第)))"
    rf"\s*第?\s*(?P<n>\d{{1,4}})(?:\s*号)?"
)
MAX_ISSUER = 6


@dataclass(frozen=True)
class FoundNumber:
    start: int
    end: int
    issuer: str  # the whole Chinese run before the year
    year: int
    number: int

    def term(self, issuer: str) -> str:
        return f"{issuer}{self.year}年{self.number}号"


def fold(text: str) -> str:
    """Full-width forms to their ASCII ones (NFKC), so ２０１８ is 2018 and ［ is [."""
    return unicodedata.normalize("NFKC", text)


def find_numbers(text: str) -> Iterator[FoundNumber]:
    for match in _NUMBER.finditer(fold(text)):
        year = match.group("y1") or match.group("y2")
        yield FoundNumber(
            match.start(), match.end(), match.group("issuer"), int(year), int(match.group("n"))
        )


def index_terms(text: str) -> list[str]:
    """The number terms of a text: one per ending of each issuer run (see module doc)."""
    terms: list[str] = []
    for found in find_numbers(text):
        run = found.issuer[-MAX_ISSUER:]
        terms.extend(found.term(run[-size:]) for size in range(min(2, len(run)), len(run) + 1))
    return terms


def split_query(query: str) -> tuple[list[str], str]:
    """The number terms a query holds and the rest of its text (numbers cut out)."""
    folded = fold(query)
    terms: list[str] = []
    rest: list[str] = []
    position = 0
    for found in find_numbers(folded):
        terms.append(found.term(found.issuer[-MAX_ISSUER:]))
        rest.append(folded[position : found.start])
        position = found.end
    rest.append(folded[position:])
    return terms, " ".join(rest)
