"""A draft's text as its structure: 章 / 节 / 条 / 款 / 项, as Chinese normative documents are
written ("第一章 总则", "第二节 …", "第一条 …", paragraphs of an article, "（一）…").

Pure: text in, structure out, no database. The rules (docs/consultation.md has examples):

- A paragraph is a non-empty line (Windows line ends, full-width spaces and a leading Markdown
  bullet "- " are tolerated).
- "第X条" at the start of a paragraph starts an article when X is larger than the previous
  article's number (Chinese or Arabic numerals); otherwise it is text of the current article
  (a paragraph that begins by citing an earlier article is not a new one).
- "第X章 标题" and "第X节 标题" at the start of a short paragraph (at most 40 characters, not
  ending in "。") are headings; a chapter resets the section. Spaces inside a heading's title
  ("总 则") are removed.
- Inside an article every following paragraph is a 款, except one starting "（一）" or "(一)",
  which is a 项. A paragraph that does not end a sentence (no closing punctuation) followed by one
  that is not a heading, article or item is joined to it: a page break in a pasted PDF.
  An article's label alone on its line ("第一条") takes the next paragraph as its first 款.
- Text before the first article or heading is the preamble (the title, the issuing notice).
- A text without a single article falls back to paragraphs: each becomes a unit "第N段".

Each unit has a key, stable across versions as long as the numbering is: "a3" for 第三条, "p3"
for the third paragraph of a text without articles.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_UNITS = {"十": 10, "百": 100, "千": 1000}
_NUMERAL = "[零〇一二两三四五六七八九十百千0-9０-９]+"
_SPACE = "[ \t\u3000\u00a0]"
_BULLET = re.compile(rf"^{_SPACE}*(?:[-*•·]{_SPACE}+)?")
_ARTICLE = re.compile(rf"^第({_NUMERAL})条{_SPACE}*(.*)$", re.DOTALL)
_HEADING = re.compile(rf"^第({_NUMERAL})([章节]){_SPACE}*(.*)$")
_ITEM = re.compile(rf"^[（(]({_NUMERAL})[)）]{_SPACE}*(.*)$", re.DOTALL)
_SENTENCE_END = tuple("。；;：:！!？?”’」』）)】.…")
MAX_HEADING_CHARS = 40


def chinese_number(text: str) -> int:
    """ "三十六" → 36, "一百零五" → 105, "十" → 10, "12" / "１２" → 12."""
    text = text.translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    if text.isdigit():
        return int(text)
    total, digit = 0, 0
    for char in text:
        if char in _DIGITS:
            digit = _DIGITS[char]
        elif char in _UNITS:
            total += (digit or 1) * _UNITS[char]
            digit = 0
        else:
            raise ValueError(f"not a Chinese numeral: {text!r}")
    return total + digit


def to_chinese_number(n: int) -> str:
    """36 → "三十六", 105 → "一百零五", 10 → "十" (1 ≤ n < 10000)."""
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    if n < 20:
        return "十" + (digits[n - 10] if n > 10 else "")
    out, zero = "", False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        d = n // value % 10
        if d:
            out += ("零" if zero and out else "") + digits[d] + unit
            zero = False
        elif out:
            zero = True
    return out


def article_label(key: str) -> str:
    """The Chinese label of a unit key: "a3" → "第三条", "p3" → "第3段"."""
    kind, number = key[:1], int(key[1:])
    return f"第{to_chinese_number(number)}条" if kind == "a" else f"第{number}段"


@dataclass(frozen=True)
class Paragraph:
    """A 款 (kind "clause") or a 项 (kind "item", labelled "（一）")."""

    kind: str
    text: str
    label: str = ""


@dataclass(frozen=True)
class Unit:
    """An article (条), or in a text without articles, a paragraph (段)."""

    key: str
    number: int
    label: str
    paragraphs: tuple[Paragraph, ...]
    chapter: str = ""
    section: str = ""

    @property
    def text(self) -> str:
        """The unit's text as written: its label, then its paragraphs, one a line."""
        lines = [p.text if p.kind == "clause" else f"{p.label}{p.text}" for p in self.paragraphs]
        if self.key.startswith("a"):
            lines[0] = f"{self.label} {lines[0]}".rstrip()
        return "\n".join(lines)

    @property
    def body(self) -> str:
        """The text without the label (what a quoted passage must come from)."""
        return "\n".join(
            p.text if p.kind == "clause" else f"{p.label}{p.text}" for p in self.paragraphs
        )


@dataclass(frozen=True)
class ParsedDraft:
    preamble: tuple[str, ...]
    units: tuple[Unit, ...]
    #: True when the text has articles; False when it fell back to paragraphs
    structured: bool

    def unit(self, key: str) -> Unit | None:
        return next((u for u in self.units if u.key == key), None)


@dataclass
class _Building:
    number: int
    chapter: str
    section: str
    paragraphs: list[Paragraph] = field(default_factory=list)


def _lines(text: str) -> list[str]:
    out = []
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = _BULLET.sub("", raw).strip(" \t\u3000\u00a0")
        if line:
            out.append(line)
    return out


def _heading(line: str) -> tuple[str, str] | None:
    """("章" or "节", "第一章 总则") when the line is a chapter or section heading."""
    match = _HEADING.match(line)
    if match is None or len(line) > MAX_HEADING_CHARS or line.endswith("。"):
        return None
    try:
        number = chinese_number(match.group(1))
    except ValueError:
        return None
    title = re.sub(_SPACE + "+", "", match.group(3))
    label = f"第{to_chinese_number(number)}{match.group(2)}"
    return match.group(2), f"{label} {title}".rstrip()


def _joins(previous: Paragraph, line: str) -> bool:
    """A paragraph cut in the middle of a sentence (a page break in a pasted PDF)."""
    return not previous.text.endswith(_SENTENCE_END) and _ITEM.match(line) is None


def _paragraph(line: str) -> Paragraph:
    match = _ITEM.match(line)
    if match is not None:
        return Paragraph("item", match.group(2), f"（{match.group(1)}）")
    return Paragraph("clause", line)


def parse_draft(text: str) -> ParsedDraft:
    """The structure of a draft's text; see the module's rules."""
    lines = _lines(text)
    preamble: list[str] = []
    built: list[_Building] = []
    chapter = section = ""
    for line in lines:
        heading = _heading(line)
        if heading is not None:
            if heading[0] == "章":
                chapter, section = heading[1], ""
            else:
                section = heading[1]
            continue
        match = _ARTICLE.match(line)
        number = _number(match.group(1)) if match else None
        if match and number is not None and number > (built[-1].number if built else 0):
            article = _Building(number, chapter, section)
            article.paragraphs.append(_paragraph(match.group(2)))
            built.append(article)
            continue
        if not built:
            if not chapter:
                preamble.append(line)
            continue
        paragraphs = built[-1].paragraphs
        if paragraphs and _joins(paragraphs[-1], line):
            last = paragraphs[-1]
            paragraphs[-1] = Paragraph(last.kind, last.text + line, last.label)
        else:
            paragraphs.append(_paragraph(line))
    if not built:
        return _fallback(lines)
    units = tuple(
        Unit(
            key=f"a{b.number}",
            number=b.number,
            label=f"第{to_chinese_number(b.number)}条",
            paragraphs=tuple(p for p in b.paragraphs if p.text or p.kind == "item")
            or (Paragraph("clause", ""),),
            chapter=b.chapter,
            section=b.section,
        )
        for b in built
    )
    return ParsedDraft(tuple(preamble), units, structured=True)


def _number(numeral: str) -> int | None:
    try:
        return chinese_number(numeral)
    except ValueError:
        return None


def _fallback(lines: list[str]) -> ParsedDraft:
    units = tuple(
        Unit(key=f"p{n}", number=n, label=f"第{n}段", paragraphs=(_paragraph(line),))
        for n, line in enumerate(lines, start=1)
    )
    return ParsedDraft((), units, structured=False)
