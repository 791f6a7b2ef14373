"""A readable difference between two versions of a draft, article by article, character by
character (Chinese has no spaces to split words on). Pure: parsed drafts in, segments out."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from consultation.articles import ParsedDraft, Unit


@dataclass(frozen=True)
class Segment:
    #: "equal", "insert" or "delete"
    op: str
    text: str


@dataclass(frozen=True)
class ArticleDiff:
    key: str
    label: str
    #: "unchanged", "changed", "added" or "removed"
    status: str
    segments: tuple[Segment, ...]
    chapter: str = ""

    @property
    def changed(self) -> bool:
        return self.status != "unchanged"


def text_segments(old: str, new: str) -> tuple[Segment, ...]:
    """Character-level: what stayed, what was deleted, what was inserted, in reading order."""
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    out: list[Segment] = []
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            out.append(Segment("equal", old[a1:a2]))
            continue
        if a2 > a1:
            out.append(Segment("delete", old[a1:a2]))
        if b2 > b1:
            out.append(Segment("insert", new[b1:b2]))
    return tuple(out)


def _order(key: str) -> tuple[str, int]:
    return key[:1], int(key[1:])


def diff_drafts(old: ParsedDraft, new: ParsedDraft) -> list[ArticleDiff]:
    """Every article of either version, in article order, matched by number ("a3" to "a3")."""
    olds: dict[str, Unit] = {u.key: u for u in old.units}
    news: dict[str, Unit] = {u.key: u for u in new.units}
    out: list[ArticleDiff] = []
    for key in sorted(olds.keys() | news.keys(), key=_order):
        before, after = olds.get(key), news.get(key)
        if before is None and after is not None:
            segs: tuple[Segment, ...] = (Segment("insert", after.text),)
            out.append(ArticleDiff(key, after.label, "added", segs, after.chapter))
        elif after is None and before is not None:
            segs = (Segment("delete", before.text),)
            out.append(ArticleDiff(key, before.label, "removed", segs, before.chapter))
        elif before is not None and after is not None:
            if before.text == after.text:
                segs = (Segment("equal", after.text),)
                out.append(ArticleDiff(key, after.label, "unchanged", segs, after.chapter))
            else:
                segs = text_segments(before.text, after.text)
                out.append(ArticleDiff(key, after.label, "changed", segs, after.chapter))
    return out
