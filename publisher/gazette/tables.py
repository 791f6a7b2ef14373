"""Stage 5: tables and lists are read from a document's blocks, and curated rows are
attached where the parsed table is known to need them.
"""

from __future__ import annotations

import re

from publisher.gazette.curated import CuratedTable
from publisher.gazette.layout import (
    ENUMERATOR,
    HEADING_PREFIX,
    NUMBERED_ITEM,
    SENTENCE_PUNCT,
    STATED_COUNT,
)
from publisher.gazette.model import Block, Document, Table
from publisher.gazette.text import (
    clean_inline,
    compact,
    is_date_line,
)


def short_item(text: str) -> tuple[int, str] | None:
    """(n, name) for a numbered list line such as ``23. 三门峡中豫精密量仪有限公司``."""
    match = NUMBERED_ITEM.match(text)
    if not match:
        return None
    name = clean_inline(match["text"])
    if len(name) > 50 or SENTENCE_PUNCT.search(name):
        return None
    return int(match["n"]), name


def _heading_name(text: str) -> tuple[str, int | None]:
    name = clean_inline(HEADING_PREFIX.sub("", text))
    count = STATED_COUNT.search(name)
    if count:
        return name[: count.start()].strip(), int(count[1])
    return name, None


def _is_heading(block: Block) -> bool:
    return (
        block.kind == "paragraph"
        and len(compact(block.text)) <= 60
        and not re.search(r"[。；]", block.text)
        and bool(HEADING_PREFIX.match(block.text) or STATED_COUNT.search(block.text))
    )


def extract_tables(doc: Document, warnings: list[str]) -> list[Table]:
    tables: list[Table] = []
    blocks = doc.blocks
    i = 0
    while i < len(blocks):
        block = blocks[i]
        if block.kind == "table" and len(block.rows) >= 2:
            tables.append(_tab_table(blocks, i, doc))
            i += 1
            continue
        item = short_item(block.text) if block.kind != "table" else None
        if item and item[0] == 1:
            j, rows = i, list[list[str]]()
            while (
                j < len(blocks) and (nxt := short_item(blocks[j].text)) and nxt[0] == len(rows) + 1
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
            or SENTENCE_PUNCT.search(text)
            or ENUMERATOR.match(text)
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


def curated_table(doc: Document, curated: CuratedTable, warnings: list[str]) -> list[Table]:
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
