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

import re
from collections import Counter
from collections.abc import Mapping

from publisher.gazette.contents import find_starts, normalise_lines, parse_issue, parse_toc
from publisher.gazette.curated import CURATED_TABLES, CuratedTable
from publisher.gazette.documents import link_related, parse_document
from publisher.gazette.layout import GazetteFormatError, TocEntry
from publisher.gazette.model import Document, GazetteIssue, Table
from publisher.gazette.tables import curated_table, extract_tables

__all__ = ["GazetteFormatError", "parse_gazette"]


def parse_gazette(text: str, curated: Mapping[str, CuratedTable] | None = None) -> GazetteIssue:
    """Parse the text of one issue; raise GazetteFormatError when it is not a gazette."""
    curated = CURATED_TABLES if curated is None else curated
    lines = normalise_lines(text)
    issue = parse_issue(lines)
    entries, body_start = parse_toc(lines)
    warnings: list[str] = []
    starts = find_starts(lines, entries, body_start, warnings)
    if not starts:
        raise GazetteFormatError(
            "No document found in the gazette text.", "公报文本中未找到任何文件。"
        )
    documents: list[Document] = []
    for index, start in enumerate(starts):
        end = starts[index + 1].line if index + 1 < len(starts) else len(lines)
        documents.append(parse_document(lines, start, end))
    _refuse_repeated_numbers(documents)
    _warn_missing_structure(entries, documents, warnings)
    link_related(documents)
    tables: list[Table] = []
    for doc in documents:
        tables.extend(extract_tables(doc, warnings))
        if doc.number is not None and doc.number in curated:
            tables.extend(curated_table(doc, curated[doc.number], warnings))
    return GazetteIssue(issue=issue, documents=documents, tables=tables, warnings=warnings)


def _refuse_repeated_numbers(documents: list[Document]) -> None:
    """One issue prints each document once: a number seen twice means pasted or repeated text
    (a 50 MB file of one issue repeated stored 6,244 "documents" before this check)."""
    counts = Counter(d.number for d in documents if d.number)
    repeated = sorted(n for n, c in counts.items() if c > 1)
    if repeated:
        shown = "、".join(repeated[:5]) + ("…" if len(repeated) > 5 else "")
        raise GazetteFormatError(
            f"Implausible gazette text: {len(repeated)} document number(s) appear more than "
            f"once ({shown}); one issue prints each document once.",
            f"公报文本不合理：{len(repeated)} 个文号重复出现（{shown}）；"
            "一期公报每份文件只刊登一次。",
        )


def _warn_missing_structure(
    entries: list[TocEntry], documents: list[Document], warnings: list[str]
) -> None:
    """Say what the parser had to guess: no contents, documents without a section."""
    if not entries:
        warnings.append("未找到目录（目 录）：文件按版式识别，栏目无法确定")
    unsectioned = [d for d in documents if d.section is None]
    if unsectioned:
        warnings.append(f"{len(unsectioned)} 篇文件未归入栏目（目录中没有对应条目）")
    for doc in documents:
        if re.match(r"[(（]", doc.title):
            warnings.append(f"标题以括号开头，可能混入了刊头文字：{doc.title}")
