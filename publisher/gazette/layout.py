"""The gazette's printed layout, as patterns every stage reads: section headings, table-of-
contents lines, enumerators, running headers, and the error for text that is not a gazette.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from publisher.errors import ValidationFailed
from publisher.gazette.text import (
    CJK,
    compact,
)

INTERPRETATION_SECTION = "政策解读"

TOC_ENTRY = re.compile(r"^(?P<title>\S.*?)[ .…·]*\t[\t .…·]*(?P<page>\d{1,4})\s*$")
TOC_ENTRY_DOTS = re.compile(r"^(?P<title>\S.*?)\s*[.…·]{3,}\s*(?P<page>\d{1,4})\s*$")
SECTION = re.compile(r"^\s*【\s*(?P<name>[^】]+?)\s*】\s*$")
ISSUE_NUMBER = re.compile(r"第(\d{1,3})[号期](?:\(总第(\d{1,5})[号期]\))?")
ISSUE_YEAR = re.compile(r"(\d{4})年第\d{1,3}[号期]")
PUBLICATION = re.compile(r"出版日期:?(\d{4}年\d{1,2}月\d{1,2}日)")
INTERPRETATION_TITLE = re.compile(r"^《[^》]+》.{0,6}解读$")
_CN_NUM = "一二三四五六七八九十百零〇"
ENUMERATOR = re.compile(
    rf"^\s*(?:[{_CN_NUM}]+\s*、|[（(]\s*[{_CN_NUM}]+\s*[)）]|\d{{1,3}}\s*[.、．](?!\d)"
    rf"|第[{_CN_NUM}]+[章条节]|附\s*件|[-•·]\s)"
)
HEADING_PREFIX = re.compile(rf"^\s*(?:[{_CN_NUM}]+\s*、|[（(]\s*[{_CN_NUM}]+\s*[)）])\s*")
NUMBERED_ITEM = re.compile(r"^\s*(?P<n>\d{1,4})\s*[.、．](?!\d)\s*(?P<text>.+)$")
DASH_ITEM = re.compile(r"^\s*[-•·]\s+(?P<text>.+)$")
STATED_COUNT = re.compile(r"[（(]\s*(?:共\s*)?(\d{1,5})\s*[个家项名处条件所]\s*[)）]\s*$")
SENTENCE_PUNCT = re.compile(r"[。，；：:,;、！？]")
ISSUER_IN_TITLE = re.compile(
    rf"^(?P<issuer>[{CJK}]{{2,24}}?(?:人民政府办公室|人民政府办公厅|人民政府|办公室|办公厅"
    rf"|委员会|局|厅|委|院|部|中心))关于"
)
#: a body that issues documents, as a signature or a report's author line prints it
ORGANISATION = re.compile(
    rf"^(?:中共)?[{CJK}]{{2,24}}(?:人民政府办公室|人民政府办公厅|人民政府|办公室|办公厅|委员会"
    rf"|政府|党委|市委|县委|区委|省委|常委会|局|厅|委|院|部|中心|协会|联合会)$"
)
PAGE_NUMBER = re.compile(r"^[-—–－\s]*\d{1,3}[-—–－\s]*$")
RULE_LINE = re.compile(r"^[-—–－_=~\s]+$")
RUNNING_HEADER = re.compile(
    r"^(?:《?[^\s《》]{0,16}人民政府公报》?)?(?:\d{4}年第\d{1,3}[号期](?:\(总第\d{1,5}[号期]\))?)?$"
)
JOINABLE_END = re.compile(rf"[{CJK}A-Za-z0-9，、“《（(‘%—]$")
MIN_BROKEN_LINE = 28  # a piece cut by a page break is at least about one printed line


@dataclass
class TocEntry:
    title: str
    key: str
    page: int
    section: str | None


@dataclass
class Start:
    line: int  # first title line
    body: int  # first line after the title
    title: str
    section: str | None
    from_toc: bool


class GazetteFormatError(ValidationFailed):
    """The text is not an issue of the gazette, or not one this parser can read."""

    code = "not_a_gazette"


def skip_blank(lines: list[str], i: int) -> int:
    while i < len(lines) and not lines[i].strip():
        i += 1
    return i


def is_running_header(line: str) -> bool:
    """Page headers, footers and rules that the PDF repeats on every page."""
    if RULE_LINE.match(line):
        return bool(line.strip())
    if "\t" in line:
        return False
    key = compact(line)
    if not key:
        return False
    if PAGE_NUMBER.match(line) or key.upper().startswith("GAZETTEOF"):
        return True
    return bool(RUNNING_HEADER.fullmatch(key)) and ("公报" in key or "第" in key)
