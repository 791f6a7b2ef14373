"""The small text repairs, one by one."""

from __future__ import annotations

import datetime as dt

import pytest

from publisher.gazette.contents import normalise_lines
from publisher.gazette.text import (
    clean_inline,
    find_numbers,
    is_date_line,
    normalise_number,
    parse_cn_date,
    tidy_body,
    to_simplified,
)


def test_clean_inline_keeps_only_meaningful_spaces() -> None:
    assert clean_inline("关于表彰 2018 年度服务企业上市工作 先进单位的 决 定") == (
        "关于表彰2018年度服务企业上市工作先进单位的决定"
    )
    assert clean_inline("推广 Windows 10 与 Data Package") == "推广Windows 10与Data Package"
    assert clean_inline("  泥 塑\u3000") == "泥塑"


def test_document_numbers() -> None:
    assert normalise_number("三政办〔2018〕41 号") == "三政办〔2018〕41号"
    assert normalise_number("三政[2018]30号") == "三政〔2018〕30号"
    assert normalise_number("（三政〔2018〕34号）") == "三政〔2018〕34号"
    assert normalise_number("三门峡市人民政府") is None
    text = (
        "按照（三政〔2011〕67 号）和（三办〔2015〕32号），又见（三政〔2011〕67号）；各县〔市、区〕"
    )
    assert find_numbers(text) == ["三政〔2011〕67号", "三办〔2015〕32号"]


def test_dates() -> None:
    assert parse_cn_date("2018 年 11 月 14 日") == dt.date(2018, 11, 14)
    assert parse_cn_date("二〇一八年十二月三十一日") == dt.date(2018, 12, 31)
    assert parse_cn_date("二〇一九年一月十日") == dt.date(2019, 1, 10)
    assert parse_cn_date("2018年2月30日") is None
    assert is_date_line("（2019 年 1 月 18 日）")
    assert not is_date_line("2018年11月23日市政府第23次常务会议研究通过")


def test_only_traditional_sentences_are_converted() -> None:
    mixed = "先由文旅集团合并会计报表。同时在国有资产管理部門和工商部門辦理國有資產劃轉手續。"
    assert to_simplified(mixed) == (
        "先由文旅集团合并会计报表。同时在国有资产管理部门和工商部门办理国有资产划转手续。"
    )
    assert to_simplified("（一）主要職能") == "（一）主要职能"


def test_simplified_text_is_never_altered() -> None:
    # 乾 is a character t2s would rewrite (to 干); in a simplified sentence it must stay
    simplified = "乾坤湾景区发展规划已经市政府同意，现印发给你们。"
    assert to_simplified(simplified) == simplified


@pytest.mark.parametrize(
    ("printed", "number"),
    [
        ("黔府发〔2018〕第7号", "黔府发〔2018〕7号"),
        ("沪府发〔2017〕92号", "沪府发〔2017〕92号"),
        ("三政办（2018）41号", "三政办〔2018〕41号"),
        ("三 政 办 〔2018〕 41 号", "三政办〔2018〕41号"),
        ("粤府令第 271 号", "粤府令第271号"),
        ("（岳办发〔2017〕2号）", "岳办发〔2017〕2号"),
        ("第一条 为规范行政执法监督工作", None),
    ],
)
def test_number_formats_of_other_gazettes(printed: str, number: str | None) -> None:
    assert normalise_number(printed) == number


def test_bodies_write_dates_and_numbers_as_the_fields_do() -> None:
    printed = "对 2015 年 3 月 6 日 以前印发的文件（豫政办〔2015〕39 号）进行了清理，共 5 件。"
    assert tidy_body(printed) == (
        "对2015年3月6日以前印发的文件（豫政办〔2015〕39号）进行了清理，共 5 件。"
    )
    assert tidy_body("Windows 10 于 2019 年发布") == "Windows 10 于 2019 年发布"


def test_radical_code_points_in_gazette_lines_are_folded() -> None:
    assert normalise_lines("《中华\u2f08\u2ea0共和国行政许可法》，第\u2f00条") == [
        "《中华人民共和国行政许可法》，第一条"
    ]
