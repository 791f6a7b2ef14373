"""Chinese word segmentation for the index and the queries (jieba, docs/search.md).

The text is cut by jieba's search mode: every word, and the shorter dictionary words inside a
long one (``听证会`` also gives ``听证``; ``养老保险`` gives ``养老`` and ``保险``), so a
two-character word is found inside the longer words it is part of. Each word is lower-cased and
cut at anything that is not a letter or a digit, so both databases receive plain words and need
no tokenizer of their own. Document numbers are added whole (`publisher.search.numbers`).

jieba loads its dictionary (about a second, and it logs to stderr) on first use: here once per
process, under a lock, with its logger silenced; `warm()` lets `publisher serve` pay it before
the first request instead of during it.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass

import jieba

from publisher.search import numbers

logging.getLogger("jieba").setLevel(logging.WARNING)

_WORD = re.compile(r"[^\W_]+")
_HAN = re.compile(r"[\u4e00-\u9fff]")
#: a query's words beyond this are ignored (each is one clause of the search)
MAX_QUERY_WORDS = 16

_lock = threading.Lock()
_tokenizer: jieba.Tokenizer | None = None


def tokenizer() -> jieba.Tokenizer:
    """The process's one segmenter, its dictionary loaded on first use."""
    global _tokenizer
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                loaded = jieba.Tokenizer()
                loaded.initialize()
                _tokenizer = loaded
    return _tokenizer


def warm() -> None:
    """Load the dictionary now (at start-up), not in the first request that needs it."""
    tokenizer()


def _words(tokens: Iterable[str]) -> list[str]:
    return [word for token in tokens for word in _WORD.findall(token.lower())]


def index_terms(text: str) -> list[str]:
    """The terms a text is indexed under, in reading order (numbers last)."""
    if not text:
        return []
    words = _words(tokenizer().cut_for_search(numbers.fold(text)))
    return words + numbers.index_terms(text)


@dataclass(frozen=True)
class Clause:
    """One word of a query: found as itself, or (a long word jieba may have cut otherwise in
    the text) as all of its shorter dictionary words."""

    word: str
    parts: tuple[str, ...] = ()


@dataclass(frozen=True)
class QueryPlan:
    clauses: tuple[Clause, ...]

    @property
    def empty(self) -> bool:
        return not self.clauses

    @property
    def highlight_words(self) -> tuple[str, ...]:
        """The words to mark in a snippet, longest first."""
        words = {c.word for c in self.clauses} | {p for c in self.clauses for p in c.parts}
        return tuple(sorted(words, key=lambda w: (-len(w), w)))


def plan_query(query: str) -> QueryPlan:
    """A query as clauses that must all match: its document numbers, then its words."""
    number_terms, rest = numbers.split_query(query)
    clauses = [Clause(term) for term in number_terms]
    seen = set(number_terms)
    segmenter = tokenizer()
    for word in _words(segmenter.cut(rest)):
        if word in seen:
            continue
        seen.add(word)
        parts: tuple[str, ...] = ()
        if len(word) >= 3 and _HAN.match(word):
            parts = tuple(
                dict.fromkeys(p for p in _words(segmenter.cut_for_search(word)) if p != word)
            )
        clauses.append(Clause(word, parts))
    return QueryPlan(tuple(clauses[:MAX_QUERY_WORDS]))
