"""The article parser on real texts from the Sanmenxia gazette (2019 no. 2) and on the edge
cases a pasted draft has."""

from __future__ import annotations

from pathlib import Path

import pytest

from consultation.articles import (
    article_label,
    chinese_number,
    parse_draft,
    to_chinese_number,
)

FIXTURES = Path(__file__).parent / "fixtures"


def fixture(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("numeral", "value"),
    [
        ("一", 1),
        ("十", 10),
        ("十二", 12),
        ("二十", 20),
        ("三十六", 36),
        ("一百", 100),
        ("一百零五", 105),
        ("一百一十", 110),
        ("两百", 200),
        ("12", 12),
        ("１２", 12),
    ],
)
def test_chinese_numerals_both_ways(numeral: str, value: int) -> None:
    assert chinese_number(numeral) == value
    if numeral not in {"两百", "12", "１２"}:
        assert to_chinese_number(value) == numeral


def test_not_a_numeral_is_refused() -> None:
    with pytest.raises(ValueError, match="not a Chinese numeral"):
        chinese_number("甲")


def test_labels_of_keys() -> None:
    assert article_label("a36") == "第三十六条"
    assert article_label("p3") == "第3段"


def test_debt_measures_chapters_articles_clauses_items() -> None:
    """《三门峡市政府性债务管理办法》: 9 chapters, 36 articles, 款 and 项."""
    parsed = parse_draft(fixture("debt-management-measures.txt"))
    assert parsed.structured
    assert parsed.preamble == ("三门峡市政府性债务管理办法",)
    assert [u.number for u in parsed.units] == list(range(1, 37))
    assert parsed.units[0].chapter == "第一章 总则"  # "总 则" loses its typographic space
    assert parsed.units[-1].chapter == "第九章 附则"
    assert parsed.units[-1].text == "第三十六条 本办法自印发之日起施行。"
    chapters = list(dict.fromkeys(u.chapter for u in parsed.units))
    assert chapters[1] == "第二章 管理职责"
    assert len(chapters) == 9
    art3 = parsed.unit("a3")
    assert art3 is not None
    kinds = [(p.kind, p.label) for p in art3.paragraphs]
    # 第三条: one 款, then （一） with a second paragraph of its own, then （二）
    assert kinds == [("clause", ""), ("item", "（一）"), ("clause", ""), ("item", "（二）")]
    art4 = parsed.unit("a4")
    assert art4 is not None and len(art4.paragraphs) == 2  # two 款


def test_a_page_break_inside_an_item_is_joined() -> None:
    parsed = parse_draft(fixture("debt-management-measures.txt"))
    art7 = parsed.unit("a7")
    assert art7 is not None
    item2 = art7.paragraphs[2]
    assert item2.label == "（二）"
    assert item2.text.endswith("从严审批债务风险较高地区的新开工项目。")
    assert [p.label for p in art7.paragraphs[1:]] == [f"（{n}）" for n in "一二三四五六"]


def test_rules_without_chapters_and_markdown_bullets() -> None:
    """《三门峡市政府重大行政决策预公开制度》: nine articles, no chapters, items pasted as a
    Markdown list, and 第二条 cut by a page break in the middle of a sentence."""
    parsed = parse_draft(fixture("decision-predisclosure-rules.txt"))
    assert [u.label for u in parsed.units][-1] == "第九条"
    assert len(parsed.units) == 9
    assert all(u.chapter == "" for u in parsed.units)
    art2 = parsed.unit("a2")
    assert art2 is not None
    assert art2.paragraphs[0].text.endswith("利益密切相关的重大事项作出的决定。重大行政决策包括：")
    assert [p.label for p in art2.paragraphs[1:]] == ["（一）", "（二）", "（三）", "（四）"]
    art8 = parsed.unit("a8")
    assert art8 is not None and art8.body == "预公开时间原则上不少于 5 个工作日。"


def test_meeting_rules_clauses() -> None:
    parsed = parse_draft(fixture("major-meetings-rules.txt"))
    assert len(parsed.units) == 10
    art5 = parsed.unit("a5")
    assert art5 is not None
    assert [p.kind for p in art5.paragraphs] == ["clause", "clause", "item", "item", "item"]


def test_a_notice_without_articles_falls_back_to_paragraphs() -> None:
    """The notice founding the tourism group is written "一、" "（一）": no articles."""
    text = fixture("tourism-group-notice.txt")
    parsed = parse_draft(text)
    assert not parsed.structured
    assert parsed.units[0].key == "p1"
    assert parsed.units[0].label == "第1段"
    assert parsed.units[0].text.startswith("三门峡市人民政府")
    assert len(parsed.units) == len([line for line in text.splitlines() if line.strip()])


def test_a_reference_to_an_earlier_article_is_not_a_new_article() -> None:
    text = "第一条 目的。\n第二条 适用范围。\n第一条规定的目的，适用于全市。\n第三条 施行。"
    parsed = parse_draft(text)
    assert [u.label for u in parsed.units] == ["第一条", "第二条", "第三条"]
    art2 = parsed.unit("a2")
    assert art2 is not None
    assert art2.paragraphs[1].text == "第一条规定的目的，适用于全市。"


def test_sections_inside_chapters_and_a_label_on_its_own_line() -> None:
    text = (
        "某某办法（征求意见稿）\r\n"
        "第一章　总　则\r\n"
        "第一条\r\n"
        "为了规范管理，制定本办法。\r\n"
        "第二章 许可\r\n"
        "第一节 申请\r\n"
        "第二条 申请人应当提交材料。\r\n"
        "第二节 审查\r\n"
        "第3条 审查机关应当在5个工作日内审查。\r\n"
        "第三章 附则\r\n"
        "第四条 本办法自发布之日起施行。\r\n"
    )
    parsed = parse_draft(text)
    assert parsed.preamble == ("某某办法（征求意见稿）",)
    rows = [(u.label, u.chapter, u.section, u.body) for u in parsed.units]
    assert rows == [
        ("第一条", "第一章 总则", "", "为了规范管理，制定本办法。"),
        ("第二条", "第二章 许可", "第一节 申请", "申请人应当提交材料。"),
        ("第三条", "第二章 许可", "第二节 审查", "审查机关应当在5个工作日内审查。"),
        ("第四条", "第三章 附则", "", "本办法自发布之日起施行。"),
    ]


def test_a_long_sentence_starting_with_a_chapter_number_is_not_a_heading() -> None:
    text = "第一条 总则。\n第二章规定的许可事项，由市政府有关部门依法办理，并向社会公开办理结果。"
    parsed = parse_draft(text)
    assert len(parsed.units) == 1
    assert parsed.units[0].chapter == ""
    assert len(parsed.units[0].paragraphs) == 2


def test_empty_text() -> None:
    parsed = parse_draft("  \n\u3000\n")
    assert parsed.units == ()
    assert not parsed.structured
