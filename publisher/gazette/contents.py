"""Stages 1–3: the masthead gives the issue, the table of contents gives titles and sections,
and each title is found again in the body (or, missing from the contents, by its structure).
"""

from __future__ import annotations

import re

from publisher.gazette.layout import (
    ENUMERATOR,
    INTERPRETATION_SECTION,
    INTERPRETATION_TITLE,
    ISSUE_NUMBER,
    ISSUE_YEAR,
    PUBLICATION,
    SECTION,
    TOC_ENTRY,
    TOC_ENTRY_DOTS,
    GazetteFormatError,
    Start,
    TocEntry,
    skip_blank,
)
from publisher.gazette.model import IssueInfo
from publisher.gazette.text import (
    clean_inline,
    compact,
    dice,
    is_date_line,
    normalise_number,
    parse_cn_date,
    to_simplified,
)
from publisher.radicals import fold_radicals


def normalise_lines(text: str) -> list[str]:
    """Lines without odd spaces, traditional lines folded to simplified (OpenCC): a title,
    number (號) or issuer printed in traditional characters is then matched like any other;
    radical code points from the PDF's fonts (⼈⺠) become the characters they stand for."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    return [
        to_simplified(fold_radicals(line.replace("\u3000", " ").replace("\xa0", " ").rstrip()))
        for line in text.split("\n")
    ]


def _not_a_gazette(what: str, what_zh: str) -> GazetteFormatError:
    return GazetteFormatError(f"Not a gazette issue: {what}.", f"不是政府公报：{what_zh}。")


def parse_issue(lines: list[str]) -> IssueInfo:
    keys = [compact(line) for line in lines]
    title = next(
        (k.strip("《》") for k in keys[:200] if re.fullmatch(r"《?\S{2,16}公报》?", k)), None
    )
    if title is None:
        raise _not_a_gazette("no gazette title (…公报) at the top", "开头没有公报名称")
    number_at = next((i for i, k in enumerate(keys) if ISSUE_NUMBER.fullmatch(k)), None)
    if number_at is None:
        number_at = next((i for i, k in enumerate(keys) if ISSUE_NUMBER.search(k)), None)
    if number_at is None:
        raise _not_a_gazette("no issue number (第 N 号)", "没有期号（第N号）")
    match = ISSUE_NUMBER.search(keys[number_at])
    assert match is not None
    published = next((m[1] for k in keys if (m := PUBLICATION.search(k))), None)
    publication_date = parse_cn_date(published) if published else None
    year_match = ISSUE_YEAR.search(keys[number_at])
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


def parse_toc(lines: list[str]) -> tuple[list[TocEntry], int]:
    """TOC entries and the index of the first body line (0 when there is no TOC)."""
    start = next((i for i, line in enumerate(lines) if compact(line) == "目录"), None)
    if start is None:
        return [], 0
    entries: list[TocEntry] = []
    section: str | None = None
    pending: str | None = None  # a title wrapped over two lines, waiting for its page number
    last_entry = start
    for i in range(start + 1, len(lines)):
        line = lines[i]
        if not line.strip():
            pending = None
            continue
        if heading := SECTION.match(line):
            section = clean_inline(heading["name"])
            pending = None
            continue
        entry = TOC_ENTRY.match(line) or TOC_ENTRY_DOTS.match(line)
        if entry:
            title = entry["title"] if pending is None else f"{pending} {entry['title']}"
            entries.append(
                TocEntry(clean_inline(title), compact(title), int(entry["page"]), section)
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


# --- finding the documents -----------------------------------------------------------------


def find_starts(
    lines: list[str], entries: list[TocEntry], body_start: int, warnings: list[str]
) -> list[Start]:
    starts: dict[int, Start] = {}
    unused = list(entries)
    keys = {e.key for e in entries}
    i = body_start
    while i < len(lines) and keys:
        span = _title_span(lines, i, keys) if lines[i].strip() else None
        entry = next((e for e in unused if span and e.key == span[1]), None)
        if span and entry:
            title = clean_inline(" ".join(x for x in lines[i : span[0]] if x.strip()))
            starts[i] = Start(i, span[0], title, entry.section, True)
            unused.remove(entry)
            i = span[0]
            continue
        i += 1
    header_lines = {
        j for s in starts.values() for j in range(s.line, skip_blank(lines, s.body) + 1)
    }
    for j in range(body_start, len(lines)):
        line = lines[j]
        if j in header_lines or not line.strip() or "\t" in line:
            continue
        if INTERPRETATION_TITLE.match(compact(line)):
            starts[j] = Start(j, j + 1, clean_inline(line), INTERPRETATION_SECTION, False)
        elif normalise_number(line) and not re.match(r"^\s*[（(]", line):
            title_from = _title_lines_before(lines, j, body_start)
            if title_from is not None and not any(title_from <= s <= j for s in starts):
                title = clean_inline(" ".join(x for x in lines[title_from:j] if x.strip()))
                starts[title_from] = Start(title_from, j, title, None, False)
    ordered = [starts[k] for k in sorted(starts)]
    for start in ordered:  # a TOC title printed a little differently in the body
        if not start.from_toc and unused:
            key = compact(start.title)
            entry = max(unused, key=lambda e: dice(key, e.key))
            if dice(key, entry.key) >= 0.8:
                start.section = entry.section
                unused.remove(entry)
    for entry in unused:
        warnings.append(f"目录条目在正文中未找到：{entry.title}")
    for index, start in enumerate(ordered):
        if start.section is None and index > 0:
            start.section = ordered[index - 1].section
    return ordered


def _is_masthead(key: str) -> bool:
    """A masthead line a title never is: a whole-line remark in brackets ("(内部资料免费赠阅)"),
    the gazette's name or its issue number."""
    return bool(
        re.fullmatch(r"[(（][^()（）]*[)）]", key) or "公报" in key or ISSUE_NUMBER.search(key)
    )


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
            or _is_masthead(key)
            or is_date_line(line)
            or ENUMERATOR.match(line)
            or re.search(r"[。；：:，]", key)
            or len(key) > 60
        ):
            break
        found = k
        taken += 1
        k -= 1
    return found
