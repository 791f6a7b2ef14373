"""Highlighted snippets: the part of a public text around the first word found, with every
found word marked. Pure; the page escapes the text and wraps marked parts in ``<mark>``.

Words are matched in the text folded as the index folds it (NFKC, lower case), character by
character, so a mark always falls on the original characters; a document number is marked
wherever the text writes it, brackets and spaces included.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from html import escape

from publisher.search import numbers

#: (text, marked) pieces in reading order
Snippet = tuple[tuple[str, bool], ...]
WIDTH = 120
BEFORE = 30
SCAN = 60_000


def _folded(text: str) -> tuple[str, list[int]]:
    """The text folded, and for each folded character the index of its original one."""
    chars: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        folded = unicodedata.normalize("NFKC", char).lower()
        chars.append(folded)
        origin.extend([index] * len(folded))
    return "".join(chars), origin


def _spans(text: str, words: Sequence[str]) -> list[tuple[int, int]]:
    """Where the words occur in `text` (original indices), left to right, not overlapping."""
    folded, origin = _folded(text)
    spans: list[tuple[int, int]] = []
    for word in words:  # longest first: a shorter word inside a marked one is not marked again
        if not word:
            continue
        start = folded.find(word)
        while start != -1:
            spans.append((origin[start], origin[start + len(word) - 1] + 1))
            start = folded.find(word, start + len(word))
    number_terms = {w for w in words if numbers.find_numbers(w) or w.endswith("号")}
    if number_terms:
        for found in numbers.find_numbers(text):
            run = found.issuer[-numbers.MAX_ISSUER :]
            for size in range(len(run), 0, -1):
                if found.term(run[-size:]) in number_terms:
                    spans.append((found.start + len(found.issuer) - size, found.end))
                    break
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _pieces(text: str, spans: Sequence[tuple[int, int]], start: int, end: int) -> Snippet:
    pieces: list[tuple[str, bool]] = []
    position = start
    for span_start, span_end in spans:
        if span_end <= start or span_start >= end:
            continue
        span_start, span_end = max(span_start, start), min(span_end, end)
        if span_start > position:
            pieces.append((text[position:span_start], False))
        pieces.append((text[span_start:span_end], True))
        position = span_end
    if position < end:
        pieces.append((text[position:end], False))
    return tuple(pieces)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def snippet(text: str, words: Sequence[str], width: int = WIDTH) -> Snippet:
    """About `width` characters of the text around its first found word ("…" where cut)."""
    flat = _one_line(text[:SCAN])
    spans = _spans(flat, words)
    first = spans[0][0] if spans else 0
    start = max(0, first - BEFORE)
    end = min(len(flat), start + width)
    pieces = _pieces(flat, spans, start, end)
    if start > 0:
        pieces = (("…", False), *pieces)
    if end < len(flat):
        pieces = (*pieces, ("…", False))
    return pieces


def title_marks(title: str, words: Sequence[str]) -> Snippet:
    return _pieces(title, _spans(title, words), 0, len(title))


def plain(pieces: Snippet) -> str:
    return "".join(text for text, _ in pieces)


def html(pieces: Snippet) -> str:
    """The snippet as HTML: escaped text, found words in ``<mark>``."""
    return "".join(
        f"<mark>{escape(text)}</mark>" if marked else escape(text) for text, marked in pieces
    )
