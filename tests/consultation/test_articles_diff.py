"""The diff between two versions: article by article, character by character."""

from __future__ import annotations

from consultation.articles import parse_draft
from consultation.diff import Segment, diff_drafts, text_segments


def test_character_level_segments_in_reading_order() -> None:
    assert text_segments("每小时不超过三元。", "每小时不超过五元。") == (
        Segment("equal", "每小时不超过"),
        Segment("delete", "三"),
        Segment("insert", "五"),
        Segment("equal", "元。"),
    )


def test_articles_added_removed_changed_and_unchanged() -> None:
    old = parse_draft("第一条 目的。\n第二条 范围。\n第三条 施行。")
    new = parse_draft("第一条 目的。\n第二条 适用范围。\n（一）市区；\n第四条 附则。")
    diffs = diff_drafts(old, new)
    assert [(d.key, d.status) for d in diffs] == [
        ("a1", "unchanged"),
        ("a2", "changed"),
        ("a3", "removed"),
        ("a4", "added"),
    ]
    assert diffs[1].segments == (
        Segment("equal", "第二条 "),
        Segment("insert", "适用"),
        Segment("equal", "范围。"),
        Segment("insert", "\n（一）市区；"),
    )
    assert diffs[2].segments == (Segment("delete", "第三条 施行。"),)
    assert sum(d.changed for d in diffs) == 3


def test_a_text_without_articles_is_compared_paragraph_by_paragraph() -> None:
    diffs = diff_drafts(
        parse_draft("一、总体要求\n二、工作任务"), parse_draft("一、总体要求\n二、主要任务")
    )
    assert [(d.label, d.status) for d in diffs] == [("第1段", "unchanged"), ("第2段", "changed")]
