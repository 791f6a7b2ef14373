"""Personal numbers typed into public text are masked in their disguises too.

A consented comment is published (masked) on the page, in the API, in the adoption-summary
dataset and in CKAN. People write numbers with dots or spaces between the digits, in full-width
digits, with zero-width characters inside, and e-mail addresses as "x at example dot org"; none
of these may get through. A property test plants numbers in generated disguises.
"""

from __future__ import annotations

import re
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from publisher.privacy import mask_personal_text

GAPS = ["", " ", "-", ".", "\u200b", "\u200c", "\u2060", "·", " - "]


def _visible_digits(text: str) -> str:
    return re.sub(r"\D", "", unicodedata.normalize("NFKC", text))


def _full_width(digit: str) -> str:
    return chr(ord(digit) + 0xFEE0)


@st.composite
def disguised_mobile(draw: st.DrawFn) -> tuple[str, str]:
    digits = (
        "1" + draw(st.sampled_from("3456789")) + draw(st.text("0123456789", min_size=9, max_size=9))
    )
    pieces = []
    for i, d in enumerate(digits):
        if i:
            pieces.append(draw(st.sampled_from(GAPS)))
        pieces.append(_full_width(d) if draw(st.booleans()) else d)
    prefix = draw(st.sampled_from(["", "+86 ", "0086", "+８６-"]))
    return digits, prefix + "".join(pieces)


@given(disguised_mobile(), st.sampled_from(["联系我：", "电话", "请打 ", "（手机）"]))
@settings(max_examples=300, deadline=None, derandomize=True)
def test_a_disguised_mobile_number_never_shows(planted: tuple[str, str], lead: str) -> None:
    digits, typed = planted
    masked = mask_personal_text(f"{lead}{typed}，谢谢。")
    assert digits not in _visible_digits(masked)
    assert digits[3:9] not in _visible_digits(masked)  # the middle is always hidden


@pytest.mark.parametrize(
    ("typed", "hidden"),
    [
        ("138.1111.3333", "11113"),
        ("１３８１１１１４４４４", "111144"),
        ("1 3 8 1 1 1 1 3 3 3 3", "111133"),
        ("138\u200b1111\u200b3333", "11113"),
        ("0398-281 2345", "281234"),
        ("（０３９８）２８１２３４５", "281234"),
        ("411202199001011234", "1990010112"),
    ],
)
def test_known_disguises_of_numbers(typed: str, hidden: str) -> None:
    assert hidden not in _visible_digits(mask_personal_text(f"我的号码是{typed}。"))


@pytest.mark.parametrize(
    "typed",
    [
        "zhang.san@example.org",
        "zhang.san＠example．org",
        "zhang.san at example dot org",
        "zhang.san (at) example (dot) org",
        "zhang.san[at]example[dot]org",
        "ZHANG.SAN AT EXAMPLE DOT ORG",
    ],
)
def test_disguised_email_addresses_are_hidden(typed: str) -> None:
    masked = mask_personal_text(f"请发邮件到 {typed} 联系")
    assert "example" not in masked.lower() and "[邮箱已隐去]" in masked


@pytest.mark.parametrize(
    "text",
    [
        "第三条 本办法自2027年1月1日起施行。",
        "会议时间：2026年12月7日 09:30—11:30",
        "共计134家企业，每家奖补10万元。",
        "建议在第2条增加“每日7时至22时”。",
        "at the meeting we discussed the dot plan",
    ],
)
def test_ordinary_text_is_left_as_written(text: str) -> None:
    assert mask_personal_text(text) == text


def test_bidi_controls_do_not_reach_public_text() -> None:
    typed = "同意\u202e。议建的点停\u202c，\u2066谢谢\u2069"
    public = mask_personal_text(typed)
    assert public == "同意。议建的点停，谢谢"
    assert not any(c in public for c in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
