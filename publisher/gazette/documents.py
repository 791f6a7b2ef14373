"""Stage 4: one document's lines become blocks (paragraphs, list items, tables), page breaks
and running headers are repaired, and documents that name each other's numbers are linked.
"""

from __future__ import annotations

import datetime as dt
import re

from publisher.gazette.layout import (
    DASH_ITEM,
    ENUMERATOR,
    ISSUER_IN_TITLE,
    JOINABLE_END,
    MIN_BROKEN_LINE,
    NUMBERED_ITEM,
    ORGANISATION,
    SENTENCE_PUNCT,
    Start,
    is_running_header,
    skip_blank,
)
from publisher.gazette.model import Block, Document
from publisher.gazette.tables import short_item
from publisher.gazette.text import (
    CJK,
    clean_inline,
    compact,
    dice,
    find_numbers,
    is_date_line,
    normalise_number,
    parse_cn_date,
    tidy_body,
    to_simplified,
)


def parse_document(lines: list[str], start: Start, end: int) -> Document:
    body_lines = [x for x in lines[start.body : end] if not is_running_header(x)]
    number = None
    title = to_simplified(start.title)
    first = skip_blank(body_lines, 0)
    # a number in brackets under the title is the document's own (（岳办发〔2017〕2号）), except
    # under an interpretation, where it names the policy explained
    bracketed = first < len(body_lines) and re.match(r"^\s*[（(]", body_lines[first])
    if first < len(body_lines) and not (bracketed and "解读" in title):
        number = normalise_number(body_lines[first])
        if number:
            body_lines = body_lines[first + 1 :]
    issuer, date = _signature(body_lines)
    if date is None:
        issuer, date = _head_of(body_lines, issuer)
    if issuer is None and (found := ISSUER_IN_TITLE.match(title)):
        issuer = found["issuer"]
    blocks = [_simplify(b) for b in _join_breaks(_blocks(body_lines))]
    return Document(
        section=start.section,
        title=title,
        number=number,
        issuer=issuer,
        date=date,
        related_numbers=[],
        body=render_body(blocks),
        blocks=blocks,
    )


def _signature(lines: list[str]) -> tuple[str | None, dt.date | None]:
    """(issuer, date) from the first ``issuer line`` + ``date line`` pair in the document; two
    issuer lines above the date (a joint document) are both kept, joined with 、."""
    content = [x for x in lines if x.strip()]
    for k, line in enumerate(content):
        if not is_date_line(line):
            continue
        if k > 0 and _looks_like_issuer(content[k - 1]):
            issuer = clean_inline(content[k - 1])
            if k > 1 and ORGANISATION.match(issuer) and _looks_like_issuer(content[k - 2]):
                first = clean_inline(content[k - 2])
                if ORGANISATION.match(first):
                    issuer = f"{first}、{issuer}"
            return issuer, parse_cn_date(line)
        if k < 3:  # a speech prints its date under the title, without a signature
            return None, parse_cn_date(line)
    return None, None


def _head_of(lines: list[str], issuer: str | None) -> tuple[str | None, dt.date | None]:
    """(issuer, date) printed under the title of a report, speech or interpretation: in the
    few lines before the text starts (``2019年1月15日在…会议上``, ``发布日期：…``, the body
    that reports)."""
    date = None
    for line in [x for x in lines if x.strip()][:4]:
        key = compact(line)
        if key.endswith(("：", ":")) or re.search(r"[。；，]", key):
            break  # the salutation or the first sentence: the head is over
        if date is None and len(key) <= 40 and (found := parse_cn_date(key)):
            date = found
        elif issuer is None and ORGANISATION.match(key):
            issuer = key
    return issuer, date


def _looks_like_issuer(line: str) -> bool:
    key = compact(line)
    return (
        "\t" not in line
        and 2 <= len(key) <= 30
        and not key.startswith(("—", "-"))  # "——市长 张某某" under a speech's title
        and not SENTENCE_PUNCT.search(key)
        and not ENUMERATOR.match(line)
        and bool(re.search(rf"[{CJK}]$", key))
    )


def _blocks(lines: list[str]) -> list[Block]:
    """Lines to blocks: one paragraph per printed line, tab lines grouped into tables."""
    blocks: list[Block] = []
    after_blank = True
    i = 0
    while i < len(lines):
        line = lines[i]
        if not line.strip():
            after_blank = True
            i += 1
            continue
        if "\t" in line:
            i = _read_table(lines, i, blocks)
            after_blank = False
            continue
        text = line.strip()
        dash = DASH_ITEM.match(text)
        if dash:
            blocks.append(Block(kind="list_item", text=dash["text"].strip()))
        elif not after_blank and blocks and _is_item_wrap(blocks[-1], text):
            blocks[-1] = Block(kind=blocks[-1].kind, text=blocks[-1].text + text)
        else:
            blocks.append(Block(kind="paragraph", text=text))
        after_blank = False
        i += 1
    return blocks


def _is_item_wrap(previous: Block, text: str) -> bool:
    """A short name directly under a numbered list item is the rest of that item."""
    return (
        previous.kind in ("paragraph", "list_item")
        and short_item(previous.text) is not None
        and not NUMBERED_ITEM.match(text)
        and not ENUMERATOR.match(text)
        and len(compact(text)) <= 20
        and not SENTENCE_PUNCT.search(text)
        and not is_date_line(text)
    )


def _read_table(lines: list[str], i: int, blocks: list[Block]) -> int:
    rows: list[list[str]] = []
    width = 0
    while i < len(lines):
        line = lines[i]
        if not line.strip():
            nxt = skip_blank(lines, i)
            if nxt < len(lines) and "\t" in lines[nxt] and not is_running_header(lines[nxt]):
                i = nxt  # the table goes on after a page break
                continue
            break
        cells = [clean_inline(c) for c in line.split("\t")]
        if "\t" not in line:  # a wrapped cell, printed on its own line
            rows[-1][-1] += cells[0]
        elif rows and len(rows[-1]) < width:  # a row cut in the middle of a cell
            rows[-1][-1] += cells[0]
            rows[-1].extend(cells[1:])
        elif rows and cells == rows[0]:
            pass  # the header, repeated at the top of the next page
        else:
            rows.append(cells)
            width = width or len(cells)
        i += 1
    blocks.append(Block(kind="table", rows=rows))
    return i


def _join_breaks(blocks: list[Block]) -> list[Block]:
    """Re-join paragraphs that a page break cut in two."""
    out: list[Block] = []
    for block in blocks:
        prev = out[-1] if out else None
        if (
            prev is not None
            and block.kind == "paragraph"
            and prev.kind in ("paragraph", "list_item")
            and _continues(prev.text, block.text)
        ):
            glue = (
                " "
                if re.search(r"[A-Za-z0-9]$", prev.text) and re.match(r"[A-Za-z0-9]", block.text)
                else ""
            )
            out[-1] = Block(kind=prev.kind, text=prev.text + glue + block.text)
        else:
            out.append(block)
    return out


def _continues(prev: str, nxt: str) -> bool:
    if re.fullmatch(r"[（(][^（()）]+[)）]", compact(nxt)) and normalise_number(nxt):
        return not re.search(r"[。！？；]$", prev)  # "(三政〔2018〕34号)" under its title
    return (
        len(compact(prev)) >= MIN_BROKEN_LINE
        and (bool(SENTENCE_PUNCT.search(prev)) or _unclosed(prev))
        and bool(JOINABLE_END.search(prev))
        and not ENUMERATOR.match(nxt)
        and not is_date_line(nxt)
        and not normalise_number(nxt)
    )


def _unclosed(text: str) -> bool:
    """A bracket or title mark left open: the sentence goes on after the page break (a
    heading never leaves one open), even with no punctuation before the break."""
    return text.count("《") > text.count("》") or (
        text.count("（") + text.count("(") > text.count("）") + text.count(")")
    )


def _simplify(block: Block) -> Block:
    if block.kind == "table":
        return Block(kind="table", rows=[[to_simplified(c) for c in row] for row in block.rows])
    return Block(kind=block.kind, text=tidy_body(to_simplified(block.text)))


def render_body(blocks: list[Block]) -> str:
    """Blocks as markdown-ish text: paragraphs apart, ``- `` list items, pipe tables."""
    parts: list[str] = []
    previous: str | None = None
    for block in blocks:
        if block.kind == "list_item":
            text = f"- {block.text}"
        elif block.kind == "table":
            text = _markdown_table(block.rows)
        else:
            text = block.text
        if parts:
            parts.append("\n" if previous == block.kind == "list_item" else "\n\n")
        parts.append(text)
        previous = block.kind
    return "".join(parts)


def _markdown_table(rows: list[list[str]]) -> str:
    if not rows:
        return ""
    width = max(len(r) for r in rows)

    def line(cells: list[str]) -> str:
        padded = [c.replace("|", "\\|") for c in cells] + [""] * (width - len(cells))
        return "| " + " | ".join(padded) + " |"

    return "\n".join([line(rows[0]), "|" + " --- |" * width, *(line(r) for r in rows[1:])])


# --- related numbers -----------------------------------------------------------------------


def link_related(documents: list[Document]) -> None:
    """Numbers a document relates to: the policy an interpretation names, then citations."""
    for doc in documents:
        related: list[str] = []
        quoted = re.search(r"《([^》]+)》", doc.title)
        if quoted:
            best = _best_title_match(quoted[1], [d for d in documents if d is not doc])
            if best:
                related.append(best)
        for number in find_numbers(doc.body):
            if number not in related:
                related.append(number)
        doc.related_numbers = [n for n in related if n != doc.number]


def _title_core(title: str) -> str:
    """The policy named by a covering notice's title: 关于印发X的通知 → X."""
    key = compact(title)
    match = re.search(r"关于(?:印发|公布|转发|发布)?(.+?)(?:的)?(?:通知|决定|意见|批复|通告)$", key)
    return match[1] if match else key


def _best_title_match(policy: str, documents: list[Document]) -> str | None:
    policy_key = re.sub(r"(\d)年", r"\1", compact(policy))
    best: tuple[float, str] | None = None
    for doc in documents:
        if not doc.number:
            continue
        core = re.sub(r"(\d)年", r"\1", _title_core(doc.title))
        if policy_key == core or policy_key in compact(doc.title):
            score = 1.0
        else:
            score = dice(policy_key, core)
        if score >= 0.6 and (best is None or score > best[0]):
            best = (score, doc.number)
    return best[1] if best else None
