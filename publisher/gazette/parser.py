"""Split one issue of the gazette (text extracted from its PDF) into documents and tables.

The parser relies on the gazette's structure, never on one issue's strings:

1. the masthead gives the issue (``第 N 号(总第 M 号)``, ``出版日期``, ``主办``);
2. the table of contents (``目 录``) gives section headings ``【…】`` and titles with page
   numbers; anything else inside it (编委会, 编辑部, CONTENTS...) is masthead and dropped;
3. each TOC title is found again in the body, where the PDF prints it with stray spaces and
   over several lines; documents missing from the TOC are still found by their structure
   (a title followed by a bare document number, or a ``《…》解读`` title);
4. each document's lines become blocks (paragraphs, list items, tables), then page breaks,
   running headers and traditional-character sentences are repaired;
5. tables and lists are read from the blocks, and curated rows attached where due.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass

from publisher.errors import ValidationFailed
from publisher.gazette.curated import CURATED_TABLES, CuratedTable
from publisher.gazette.model import Block, Document, GazetteIssue, IssueInfo, Table
from publisher.gazette.text import (
    CJK,
    clean_inline,
    compact,
    find_numbers,
    is_date_line,
    normalise_number,
    parse_cn_date,
    to_simplified,
)

INTERPRETATION_SECTION = "政策解读"

_TOC_ENTRY = re.compile(r"^(?P<title>\S.*?)[ .…·]*\t[\t .…·]*(?P<page>\d{1,4})\s*$")
_TOC_ENTRY_DOTS = re.compile(r"^(?P<title>\S.*?)\s*[.…·]{3,}\s*(?P<page>\d{1,4})\s*$")
_SECTION = re.compile(r"^\s*【\s*(?P<name>[^】]+?)\s*】\s*$")
_ISSUE_NUMBER = re.compile(r"第(\d{1,3})[号期](?:\(总第(\d{1,5})[号期]\))?")
_ISSUE_YEAR = re.compile(r"(\d{4})年第\d{1,3}[号期]")
_PUBLICATION = re.compile(r"出版日期:?(\d{4}年\d{1,2}月\d{1,2}日)")
_INTERPRETATION_TITLE = re.compile(r"^《[^》]+》.{0,6}解读$")
_CN_NUM = "一二三四五六七八九十百零〇"
_ENUMERATOR = re.compile(
    rf"^\s*(?:[{_CN_NUM}]+\s*、|[（(]\s*[{_CN_NUM}]+\s*[)）]|\d{{1,3}}\s*[.、．](?!\d)"
    rf"|第[{_CN_NUM}]+[章条节]|附\s*件|[-•·]\s)"
)
_HEADING_PREFIX = re.compile(rf"^\s*(?:[{_CN_NUM}]+\s*、|[（(]\s*[{_CN_NUM}]+\s*[)）])\s*")
_NUMBERED_ITEM = re.compile(r"^\s*(?P<n>\d{1,4})\s*[.、．](?!\d)\s*(?P<text>.+)$")
_DASH_ITEM = re.compile(r"^\s*[-•·]\s+(?P<text>.+)$")
_STATED_COUNT = re.compile(r"[（(]\s*(?:共\s*)?(\d{1,5})\s*[个家项名处条件所]\s*[)）]\s*$")
_SENTENCE_PUNCT = re.compile(r"[。，；：:,;、！？]")
_ISSUER_IN_TITLE = re.compile(
    rf"^(?P<issuer>[{CJK}]{{2,24}}?(?:人民政府办公室|人民政府办公厅|人民政府|办公室|办公厅"
    rf"|委员会|局|厅|委|院|部|中心))关于"
)
_PAGE_NUMBER = re.compile(r"^[-—–－\s]*\d{1,3}[-—–－\s]*$")
_RULE_LINE = re.compile(r"^[-—–－_=~\s]+$")
_RUNNING_HEADER = re.compile(
    r"^(?:《?[^\s《》]{0,16}人民政府公报》?)?(?:\d{4}年第\d{1,3}[号期](?:\(总第\d{1,5}[号期]\))?)?$"
)
_JOINABLE_END = re.compile(rf"[{CJK}A-Za-z0-9，、“《（(‘%—]$")
_MIN_BROKEN_LINE = 28  # a piece cut by a page break is at least about one printed line


@dataclass
class _TocEntry:
    title: str
    key: str
    page: int
    section: str | None


@dataclass
class _Start:
    line: int  # first title line
    body: int  # first line after the title
    title: str
    section: str | None
    from_toc: bool


class GazetteFormatError(ValidationFailed):
    """The text is not an issue of the gazette, or not one this parser can read."""

    code = "not_a_gazette"


def parse_gazette(text: str, curated: Mapping[str, CuratedTable] | None = None) -> GazetteIssue:
    """Parse the text of one issue; raise GazetteFormatError when it is not a gazette."""
    curated = CURATED_TABLES if curated is None else curated
    lines = _normalise_lines(text)
    issue = _parse_issue(lines)
    entries, body_start = _parse_toc(lines)
    warnings: list[str] = []
    starts = _find_starts(lines, entries, body_start, warnings)
    if not starts:
        raise GazetteFormatError(
            "No document found in the gazette text.", "公报文本中未找到任何文件。"
        )
    documents: list[Document] = []
    for index, start in enumerate(starts):
        end = starts[index + 1].line if index + 1 < len(starts) else len(lines)
        documents.append(_parse_document(lines, start, end))
    _link_related(documents)
    tables: list[Table] = []
    for doc in documents:
        tables.extend(_extract_tables(doc, warnings))
        if doc.number is not None and doc.number in curated:
            tables.extend(_curated_table(doc, curated[doc.number], warnings))
    return GazetteIssue(issue=issue, documents=documents, tables=tables, warnings=warnings)


# --- lines, issue and table of contents -------------------------------------------------


def _normalise_lines(text: str) -> list[str]:
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    return [line.replace("\u3000", " ").replace("\xa0", " ").rstrip() for line in text.split("\n")]


def _not_a_gazette(what: str, what_zh: str) -> GazetteFormatError:
    return GazetteFormatError(f"Not a gazette issue: {what}.", f"不是政府公报：{what_zh}。")


def _parse_issue(lines: list[str]) -> IssueInfo:
    keys = [compact(line) for line in lines]
    title = next(
        (k.strip("《》") for k in keys[:200] if re.fullmatch(r"《?\S{2,16}公报》?", k)), None
    )
    if title is None:
        raise _not_a_gazette("no gazette title (…公报) at the top", "开头没有公报名称")
    number_at = next((i for i, k in enumerate(keys) if _ISSUE_NUMBER.fullmatch(k)), None)
    if number_at is None:
        number_at = next((i for i, k in enumerate(keys) if _ISSUE_NUMBER.search(k)), None)
    if number_at is None:
        raise _not_a_gazette("no issue number (第 N 号)", "没有期号（第N号）")
    match = _ISSUE_NUMBER.search(keys[number_at])
    assert match is not None
    published = next((m[1] for k in keys if (m := _PUBLICATION.search(k))), None)
    publication_date = parse_cn_date(published) if published else None
    year_match = _ISSUE_YEAR.search(keys[number_at])
    if year_match:
        year = int(year_match[1])
    else:
        nearby = [k for k in keys[max(0, number_at - 8) : number_at] if re.fullmatch(r"\d{4}", k)]
        if nearby:
            year = int(nearby[-1])
        elif publication_date:
            year = publication_date.year
        else:
            raise _not_a_gazette("no year for the issue", "无法确定公报年份")
    sponsor = None
    for i, key in enumerate(keys):
        if key.startswith("主办"):
            rest = key[2:].lstrip(":")
            following = next((k for k in keys[i + 1 : i + 4] if k), "")
            sponsor = rest or following or None
            break
    number = int(match[1])
    return IssueInfo(
        id=f"{year}-{number:02d}",
        title=title,
        year=year,
        number=number,
        cumulative_number=int(match[2]) if match[2] else None,
        publication_date=publication_date,
        sponsor=sponsor,
    )


def _parse_toc(lines: list[str]) -> tuple[list[_TocEntry], int]:
    """TOC entries and the index of the first body line (0 when there is no TOC)."""
    start = next((i for i, line in enumerate(lines) if compact(line) == "目录"), None)
    if start is None:
        return [], 0
    entries: list[_TocEntry] = []
    section: str | None = None
    pending: str | None = None  # a title wrapped over two lines, waiting for its page number
    last_entry = start
    for i in range(start + 1, len(lines)):
        line = lines[i]
        if not line.strip():
            pending = None
            continue
        if heading := _SECTION.match(line):
            section = clean_inline(heading["name"])
            pending = None
            continue
        entry = _TOC_ENTRY.match(line) or _TOC_ENTRY_DOTS.match(line)
        if entry:
            title = entry["title"] if pending is None else f"{pending} {entry['title']}"
            entries.append(
                _TocEntry(clean_inline(title), compact(title), int(entry["page"]), section)
            )
            pending = None
            last_entry = i
            continue
        if entries and _title_span(lines, i, {e.key for e in entries}):
            return entries, i
        plain = compact(line)
        pending = line if len(plain) >= 10 and not re.search(r"[:：]", plain) else None
    return entries, last_entry + 1


def _title_span(lines: list[str], i: int, keys: set[str]) -> tuple[int, str] | None:
    """When the non-blank lines from i spell one of the titles, (index after them, key)."""
    first = compact(lines[i])
    if not first or "\t" in lines[i] or not any(k.startswith(first) for k in keys):
        return None
    joined = ""
    j = i
    for _ in range(4):
        while j < len(lines) and not lines[j].strip():
            j += 1
        if j >= len(lines) or "\t" in lines[j]:
            return None
        joined += compact(lines[j])
        j += 1
        if joined in keys:
            return j, joined
        if not any(k.startswith(joined) for k in keys):
            return None
    return None


def _is_running_header(line: str) -> bool:
    """Page headers, footers and rules that the PDF repeats on every page."""
    if _RULE_LINE.match(line):
        return bool(line.strip())
    if "\t" in line:
        return False
    key = compact(line)
    if not key:
        return False
    if _PAGE_NUMBER.match(line) or key.upper().startswith("GAZETTEOF"):
        return True
    return bool(_RUNNING_HEADER.fullmatch(key)) and ("公报" in key or "第" in key)


# --- finding the documents -----------------------------------------------------------------


def _find_starts(
    lines: list[str], entries: list[_TocEntry], body_start: int, warnings: list[str]
) -> list[_Start]:
    starts: dict[int, _Start] = {}
    unused = list(entries)
    keys = {e.key for e in entries}
    i = body_start
    while i < len(lines) and keys:
        span = _title_span(lines, i, keys) if lines[i].strip() else None
        entry = next((e for e in unused if span and e.key == span[1]), None)
        if span and entry:
            title = clean_inline(" ".join(x for x in lines[i : span[0]] if x.strip()))
            starts[i] = _Start(i, span[0], title, entry.section, True)
            unused.remove(entry)
            i = span[0]
            continue
        i += 1
    header_lines = {
        j for s in starts.values() for j in range(s.line, _skip_blank(lines, s.body) + 1)
    }
    for j in range(body_start, len(lines)):
        line = lines[j]
        if j in header_lines or not line.strip() or "\t" in line:
            continue
        if _INTERPRETATION_TITLE.match(compact(line)):
            starts[j] = _Start(j, j + 1, clean_inline(line), INTERPRETATION_SECTION, False)
        elif normalise_number(line) and not re.match(r"^\s*[（(]", line):
            title_from = _title_lines_before(lines, j, body_start)
            if title_from is not None and not any(title_from <= s <= j for s in starts):
                title = clean_inline(" ".join(x for x in lines[title_from:j] if x.strip()))
                starts[title_from] = _Start(title_from, j, title, None, False)
    ordered = [starts[k] for k in sorted(starts)]
    for start in ordered:  # a TOC title printed a little differently in the body
        if not start.from_toc and unused:
            key = compact(start.title)
            entry = max(unused, key=lambda e: _dice(key, e.key))
            if _dice(key, entry.key) >= 0.8:
                start.section = entry.section
                unused.remove(entry)
    for entry in unused:
        warnings.append(f"目录条目在正文中未找到：{entry.title}")
    for index, start in enumerate(ordered):
        if start.section is None and index > 0:
            start.section = ordered[index - 1].section
    return ordered


def _skip_blank(lines: list[str], i: int) -> int:
    while i < len(lines) and not lines[i].strip():
        i += 1
    return i


def _title_lines_before(lines: list[str], j: int, floor: int) -> int | None:
    """First line of the title printed just above a bare document number at line j."""
    found: int | None = None
    k = j - 1
    taken = 0
    while k >= floor and taken < 3:
        line = lines[k]
        if not line.strip():
            k -= 1
            continue
        key = compact(line)
        if (
            "\t" in line
            or is_date_line(line)
            or _ENUMERATOR.match(line)
            or re.search(r"[。；：:，]", key)
            or len(key) > 60
        ):
            break
        found = k
        taken += 1
        k -= 1
    return found


# --- one document --------------------------------------------------------------------------


def _parse_document(lines: list[str], start: _Start, end: int) -> Document:
    body_lines = [x for x in lines[start.body : end] if not _is_running_header(x)]
    number = None
    first = _skip_blank(body_lines, 0)
    if first < len(body_lines) and not re.match(r"^\s*[（(]", body_lines[first]):
        number = normalise_number(body_lines[first])
        if number:
            body_lines = body_lines[first + 1 :]
    issuer, date = _signature(body_lines)
    title = to_simplified(start.title)
    if issuer is None and (found := _ISSUER_IN_TITLE.match(title)):
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
    """(issuer, date) from the first ``issuer line`` + ``date line`` pair in the document."""
    content = [x for x in lines if x.strip()]
    for k, line in enumerate(content):
        if not is_date_line(line):
            continue
        if k > 0 and _looks_like_issuer(content[k - 1]):
            return clean_inline(content[k - 1]), parse_cn_date(line)
        if k < 3:  # a speech prints its date under the title, without a signature
            return None, parse_cn_date(line)
    return None, None


def _looks_like_issuer(line: str) -> bool:
    key = compact(line)
    return (
        "\t" not in line
        and 2 <= len(key) <= 30
        and not _SENTENCE_PUNCT.search(key)
        and not _ENUMERATOR.match(line)
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
        dash = _DASH_ITEM.match(text)
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
        and _short_item(previous.text) is not None
        and not _NUMBERED_ITEM.match(text)
        and not _ENUMERATOR.match(text)
        and len(compact(text)) <= 20
        and not _SENTENCE_PUNCT.search(text)
        and not is_date_line(text)
    )


def _read_table(lines: list[str], i: int, blocks: list[Block]) -> int:
    rows: list[list[str]] = []
    width = 0
    while i < len(lines):
        line = lines[i]
        if not line.strip():
            nxt = _skip_blank(lines, i)
            if nxt < len(lines) and "\t" in lines[nxt] and not _is_running_header(lines[nxt]):
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
        len(compact(prev)) >= _MIN_BROKEN_LINE
        and bool(_SENTENCE_PUNCT.search(prev))
        and bool(_JOINABLE_END.search(prev))
        and not _ENUMERATOR.match(nxt)
        and not is_date_line(nxt)
        and not normalise_number(nxt)
    )


def _simplify(block: Block) -> Block:
    if block.kind == "table":
        return Block(kind="table", rows=[[to_simplified(c) for c in row] for row in block.rows])
    return Block(kind=block.kind, text=to_simplified(block.text))


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


def _link_related(documents: list[Document]) -> None:
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


def _dice(a: str, b: str) -> float:
    """Bigram Dice similarity: tolerant of a word added or dropped in a title."""
    x = {a[i : i + 2] for i in range(len(a) - 1)}
    y = {b[i : i + 2] for i in range(len(b) - 1)}
    return 2 * len(x & y) / (len(x) + len(y)) if x and y else 0.0


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
            score = _dice(policy_key, core)
        if score >= 0.6 and (best is None or score > best[0]):
            best = (score, doc.number)
    return best[1] if best else None


# --- tables --------------------------------------------------------------------------------


def _short_item(text: str) -> tuple[int, str] | None:
    """(n, name) for a numbered list line such as ``23. 三门峡中豫精密量仪有限公司``."""
    match = _NUMBERED_ITEM.match(text)
    if not match:
        return None
    name = clean_inline(match["text"])
    if len(name) > 50 or _SENTENCE_PUNCT.search(name):
        return None
    return int(match["n"]), name


def _heading_name(text: str) -> tuple[str, int | None]:
    name = clean_inline(_HEADING_PREFIX.sub("", text))
    count = _STATED_COUNT.search(name)
    if count:
        return name[: count.start()].strip(), int(count[1])
    return name, None


def _is_heading(block: Block) -> bool:
    return (
        block.kind == "paragraph"
        and len(compact(block.text)) <= 60
        and not re.search(r"[。；]", block.text)
        and bool(_HEADING_PREFIX.match(block.text) or _STATED_COUNT.search(block.text))
    )


def _extract_tables(doc: Document, warnings: list[str]) -> list[Table]:
    tables: list[Table] = []
    blocks = doc.blocks
    i = 0
    while i < len(blocks):
        block = blocks[i]
        if block.kind == "table" and len(block.rows) >= 2:
            tables.append(_tab_table(blocks, i, doc))
            i += 1
            continue
        item = _short_item(block.text) if block.kind != "table" else None
        if item and item[0] == 1:
            j, rows = i, list[list[str]]()
            while (
                j < len(blocks) and (nxt := _short_item(blocks[j].text)) and nxt[0] == len(rows) + 1
            ):
                rows.append([str(nxt[0]), nxt[1]])
                j += 1
            if len(rows) >= 3:
                name, stated = _name_before(blocks, i, doc)
                tables.append(
                    Table(
                        name=name,
                        source_number=doc.number,
                        columns=["序号", "名称"],
                        rows=rows,
                        kind="numbered_list",
                        stated_count=stated,
                    )
                )
                i = j
                continue
        if _is_heading(block):
            rows = _plain_items(blocks, i + 1)
            name, stated = _heading_name(block.text)
            if len(rows) >= 3 or (len(rows) >= 2 and stated == len(rows)):
                tables.append(
                    Table(
                        name=name,
                        source_number=doc.number,
                        columns=["名称"],
                        rows=rows,
                        kind="plain_list",
                        stated_count=stated,
                    )
                )
                i += 1 + len(rows)
                continue
        i += 1
    for table in tables:
        if table.stated_count is not None and table.stated_count != len(table.rows):
            warnings.append(
                f"{doc.number or doc.title}「{table.name}」标明{table.stated_count}项，"
                f"实际读出{len(table.rows)}项"
            )
    return tables


def _plain_items(blocks: list[Block], i: int) -> list[list[str]]:
    rows: list[list[str]] = []
    while i < len(blocks):
        block = blocks[i]
        text = block.text
        if (
            block.kind != "paragraph"
            or len(compact(text)) > 30
            or _SENTENCE_PUNCT.search(text)
            or _ENUMERATOR.match(text)
            or is_date_line(text)
            or (i + 1 < len(blocks) and is_date_line(blocks[i + 1].text))  # a signature
        ):
            break
        rows.append([clean_inline(text)])
        i += 1
    return rows


def _name_before(blocks: list[Block], i: int, doc: Document) -> tuple[str, int | None]:
    for k in range(i - 1, max(-1, i - 3), -1):
        text = blocks[k].text
        if blocks[k].kind != "paragraph" or re.fullmatch(r"附\s*件\s*\d*", text.strip()):
            continue
        if len(compact(text)) <= 60 and not re.search(r"[。；]", text):
            return _heading_name(text)
        break
    return f"{doc.title}（附表）", None


def _tab_table(blocks: list[Block], i: int, doc: Document) -> Table:
    rows = blocks[i].rows
    width = max(len(r) for r in rows)
    header = rows[0]
    if all(c and not re.fullmatch(r"[\d.]+", c) for c in header):
        columns, data = header + [""] * (width - len(header)), rows[1:]
    else:
        columns, data = [f"列{k + 1}" for k in range(width)], rows
    filled: list[list[str]] = []
    for row in data:
        cells = row + [""] * (width - len(row))
        if filled:  # a blank cell under a merged cell repeats the value above
            cells = [c or above for c, above in zip(cells, filled[-1], strict=True)]
        filled.append(cells)
    name, stated = _name_before(blocks, i, doc)
    return Table(
        name=name,
        source_number=doc.number,
        columns=columns,
        rows=filled,
        kind="table",
        stated_count=stated,
    )


def _curated_table(doc: Document, curated: CuratedTable, warnings: list[str]) -> list[Table]:
    body = compact(doc.body)
    missing = [e for e in curated.evidence if compact(e) not in body]
    if missing:
        warnings.append(f"{doc.number}的整理数据未通过核对，缺少原文：{'；'.join(missing)}")
        return []
    return [
        Table(
            name=curated.name,
            source_number=doc.number,
            columns=list(curated.columns),
            rows=[list(r) for r in curated.rows],
            kind="curated",
            stated_count=len(curated.rows),
        )
    ]
