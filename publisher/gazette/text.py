"""Small text repairs for PDF-extracted Chinese government text.

Everything here is pure and works line by line or string by string, so the parser can stay a
sequence of simple passes and each repair can be tested on its own.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from functools import lru_cache

from opencc import OpenCC

_T2S = OpenCC("t2s")
_S2T = OpenCC("s2t")

#: A CJK ideograph (the basic block is all that government text uses).
CJK = r"\u4e00-\u9fff"

# 文号: issuer prefix, year in 〔〕 (or a look-alike bracket, round ones included), serial, 号;
# PDF text adds spaces, some gazettes print 第 before the serial (黔府发〔2018〕第7号).
_YEAR_OPEN = r"[〔\[［【(（]"
_YEAR_CLOSE = r"[〕\]］】)）]"
_NUMBER_BODY = (
    rf"(?P<prefix>[{CJK}]{{1,6}})\s*{_YEAR_OPEN}\s*(?P<year>\d{{4}})\s*{_YEAR_CLOSE}\s*"
    r"第?\s*(?P<seq>\d{1,4})\s*号"
)
# a government order has no year: 粤府令第 271 号
_ORDER_BODY = rf"(?P<order>[{CJK}]{{1,8}}令)\s*第\s*(?P<oseq>\d{{1,5}})\s*号"
_NUMBER_IN_TEXT = re.compile(_NUMBER_BODY)
_NUMBER_ALONE = re.compile(rf"^(?:{_NUMBER_BODY}|{_ORDER_BODY})$")

_CN_DIGITS = {"〇": 0, "○": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6,
              "七": 7, "八": 8, "九": 9}  # fmt: skip
_DATE_ARABIC = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_DATE_CHINESE = re.compile(
    r"([〇○零一二三四五六七八九]{4})年([一二三四五六七八九十]{1,2})月([一二三四五六七八九十]{1,3})日"
)
_DATE_LINE = re.compile(
    r"^\s*[（(]?\s*(?:\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日"
    r"|[〇○零一二三四五六七八九]{4}年[一二三四五六七八九十]{1,2}月[一二三四五六七八九十]{1,3}日)"
    r"\s*[)）]?\s*$"
)

# Sentence ends, so a traditional sentence inside a simplified paragraph is converted alone.
_SENTENCE = re.compile(r"[^。！？；!?;]*[。！？；!?;]?")


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def compact(text: str) -> str:
    """A comparison key: NFKC (full-width brackets and digits folded) without any whitespace.

    The TOC and the body print the same title with different spaces and bracket widths; this
    is what lets them be matched without knowing the titles.
    """
    return re.sub(r"\s+", "", nfkc(text))


def clean_inline(text: str) -> str:
    """Remove the spaces PDF extraction puts between Chinese characters.

    A space survives only between two ASCII letters or digits (``Windows 10``), where it means
    something; ``2018 年度`` becomes ``2018年度`` and ``决 定`` becomes ``决定``.
    """
    text = re.sub(r"\s+", " ", text.replace("\u3000", " ")).strip()
    return re.sub(r" (?![A-Za-z0-9])|(?<![A-Za-z0-9]) ", "", text)


def normalise_number(raw: str) -> str | None:
    """``三 政 办 （2018） 41 号`` → ``三政办〔2018〕41号``; ``粤府令第 271 号`` →
    ``粤府令第271号``; None when the line is not a document number alone."""
    match = _NUMBER_ALONE.match(re.sub(r"\s+", "", nfkc(raw)).strip("()（）"))
    if match is None:
        return None
    if match["order"]:
        return f"{match['order']}第{int(match['oseq'])}号"
    return _format_number(match)


def _format_number(match: re.Match[str]) -> str:
    return f"{match['prefix']}〔{match['year']}〕{int(match['seq'])}号"


_SPACED_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
# the spaces the PDF puts between a date and the Chinese text around it ("对 2015年3月6日 以前")
_DATE = r"\d{4}年\d{1,2}月\d{1,2}日"
_SPACE_BEFORE_DATE = re.compile(rf"(?<=[{CJK}])\s+(?={_DATE})")
_SPACE_AFTER_DATE = re.compile(rf"(?<=\d日)\s+(?=[{CJK}])")


def tidy_body(text: str) -> str:
    """Dates and document numbers in running text written as in the fields: the PDF's
    ``2015 年 3 月 6 日`` and ``（豫政办〔2015〕39 号）`` become ``2015年3月6日`` and
    ``（豫政办〔2015〕39号）``; every other space is left as printed."""
    text = _SPACED_DATE.sub(r"\1年\2月\3日", text)
    text = _SPACE_BEFORE_DATE.sub("", text)
    text = _SPACE_AFTER_DATE.sub("", text)
    return _NUMBER_IN_TEXT.sub(_format_number, text)


def find_numbers(text: str) -> list[str]:
    """Every document number cited in the text, normalised, first occurrence first."""
    seen: dict[str, None] = {}
    for match in _NUMBER_IN_TEXT.finditer(nfkc(text)):
        seen.setdefault(_format_number(match), None)
    return list(seen)


def _cn_int(text: str) -> int:
    """Chinese numerals up to 99 as used in dates (十一, 二十, 三十一)."""
    if "十" not in text:
        return int("".join(str(_CN_DIGITS[c]) for c in text))
    tens, _, ones = text.partition("十")
    return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[ones] if ones else 0)


def parse_cn_date(text: str) -> dt.date | None:
    """The first date written ``2018年11月20日`` or ``二〇一八年十一月二十日`` in the text."""
    text = nfkc(text)
    match = _DATE_ARABIC.search(text)
    try:
        if match:
            return dt.date(int(match[1]), int(match[2]), int(match[3]))
        match = _DATE_CHINESE.search(re.sub(r"\s+", "", text))
        if match:
            year = int("".join(str(_CN_DIGITS[c]) for c in match[1]))
            return dt.date(year, _cn_int(match[2]), _cn_int(match[3]))
    except ValueError:
        return None
    return None


def is_date_line(line: str) -> bool:
    """A line that holds nothing but a date (a signature date, or a speech's ``（…日）``)."""
    return bool(_DATE_LINE.match(nfkc(line)))


@lru_cache(maxsize=8192)
def _char_kind(char: str) -> int:
    """+1 for a traditional-only character, -1 for a simplified-only one, 0 for shared."""
    if _T2S.convert(char) != char:
        return 1
    if _S2T.convert(char) != char:
        return -1
    return 0


def is_traditional(text: str) -> bool:
    """True when traditional-only characters outnumber simplified-only ones."""
    score = traditional = 0
    for char in text:
        if "\u4e00" <= char <= "\u9fff":
            kind = _char_kind(char)
            score += kind
            traditional += kind > 0
    return traditional > 0 and score > 0


def to_simplified(text: str) -> str:
    """Convert the sentences that came out in traditional characters, and only those.

    A paragraph that is traditional as a whole is converted whole; otherwise the check goes
    sentence by sentence, because the PDF sometimes switches script in the middle of a
    paragraph. A simplified sentence is returned untouched, character for character.
    """
    if not any(_char_kind(c) > 0 for c in text if "\u4e00" <= c <= "\u9fff"):
        return text
    if is_traditional(text):
        return str(_T2S.convert(text))
    parts = [s for s in _SENTENCE.findall(text) if s]
    return "".join(_T2S.convert(s) if is_traditional(s) else s for s in parts)


def dice(a: str, b: str) -> float:
    """Bigram Dice similarity: tolerant of a word added or dropped in a title."""
    x = {a[i : i + 2] for i in range(len(a) - 1)}
    y = {b[i : i + 2] for i in range(len(b) - 1)}
    return 2 * len(x & y) / (len(x) + len(y)) if x and y else 0.0
