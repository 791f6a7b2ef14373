"""The parser on variations it was not written against (see corpus/build.py)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from publisher.gazette import GazetteFormatError, GazetteIssue, parse_gazette
from tests.gazette.corpus.build import HERE, VARIANTS, real_text


def corpus(name: str) -> GazetteIssue:
    return parse_gazette((HERE / name).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def real() -> GazetteIssue:
    return parse_gazette(real_text())


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_corpus_files_are_current(name: str) -> None:
    assert (HERE / name).read_text(encoding="utf-8") == VARIANTS[name](), (
        "run .venv/bin/python -m tests.gazette.corpus.build"
    )


def test_another_issue_number(real: GazetteIssue) -> None:
    issue = corpus("issue-2019-03.txt")
    info = issue.issue
    assert (info.id, info.number, info.cumulative_number) == ("2019-03", 3, 158)
    assert info.publication_date == dt.date(2019, 3, 11)
    assert len(issue.documents) == 10
    assert {d.section for d in issue.documents} == {"市政府文件", "市政府办公室文件"}
    # the signature date written in Chinese numerals
    assert issue.documents[0].date == dt.date(2018, 11, 20)
    assert [d.number for d in issue.documents] == [d.number for d in real.documents[:10]]


def test_reordered_sections(real: GazetteIssue) -> None:
    issue = corpus("reordered-sections.txt")
    assert [d.section for d in issue.documents] == ["市政府办公室文件"] * 5 + ["市政府文件"] * 5 + [
        "政策解读"
    ] * 4
    assert [d.number for d in issue.documents[:5]] == [d.number for d in real.documents[5:10]]
    by_number = {d.number: d for d in real.documents}
    for doc in issue.documents[:10]:
        assert doc.model_dump() == by_number[doc.number].model_dump()
    assert sorted(len(t.rows) for t in issue.tables) == [2, 6, 13, 134]


def test_document_without_a_date_line() -> None:
    issue = corpus("no-date-line.txt")
    doc = issue.document("三政〔2018〕32号")
    assert doc is not None
    assert doc.date is None
    assert doc.issuer == "三门峡市人民政府"  # still known: from the signature or the title
    assert doc.title == "三门峡市人民政府关于公布三门峡市第三批市级历史建筑的通知"
    assert len(issue.documents) == 14


def test_wrapped_and_cut_table_rows_and_list_items() -> None:
    issue = corpus("wrapped-rows.txt")
    heritage = next(t for t in issue.tables if t.source_number == "三政〔2018〕30号")
    assert len(heritage.rows) == 13  # the header repeated after the page break is dropped
    assert heritage.rows[4] == [
        "5",
        "传统美术",
        "VII-12",
        "卢氏烙画",
        "卢氏县非物质文化遗产保护中心",
    ]
    assert heritage.rows[11][4] == "陕州区非物质文化遗产保护中心"
    assert heritage.rows[8][1] == "传统技艺"  # filled down across the page break
    enterprises = next(t for t in issue.tables if t.name == "挂牌企业")
    assert len(enterprises.rows) == 134
    assert enterprises.rows[56] == ["57", "三门峡强芯铸造材料有限公司"]
    # the TOC title wrapped over two lines still finds its document and section
    assert issue.document("三政办〔2018〕45号").section == "市政府办公室文件"  # type: ignore[union-attr]
    assert issue.warnings == []


def test_extra_section_with_a_speech() -> None:
    issue = corpus("leader-speech.txt")
    assert len(issue.documents) == 15
    speech = issue.documents[-1]
    assert speech.section == "领导讲话"
    assert speech.title == "在全市政务公开工作会议上的讲话"
    assert speech.number is None
    assert speech.date == dt.date(2019, 1, 18)
    assert speech.related_numbers == ["三政办〔2018〕45号"]
    # the running header and page number between the two halves are gone, the halves joined
    assert "通报了全市政务公开工作情况，几个单位作了交流发言" in speech.body
    assert "人民政府公报" not in speech.body
    assert "— 55 —" not in speech.body
    assert (
        "- 政务公开是建设法治政府的重要内容；\n- 政务公开是密切联系群众的重要途径。" in speech.body
    )
    # the interpretations before it are unchanged
    assert issue.documents[13].section == "政策解读"


def test_running_headers_are_removed(real: GazetteIssue) -> None:
    issue = corpus("running-headers.txt")
    assert issue.to_json_dict() == real.to_json_dict()


def test_document_missing_from_the_toc_is_still_found(real: GazetteIssue) -> None:
    issue = corpus("missing-toc-entry.txt")
    doc = issue.document("三政〔2018〕33号")
    assert doc is not None
    assert doc.section == "市政府文件"  # inherited from the document before it
    assert doc.model_dump() == real.document("三政〔2018〕33号").model_dump()  # type: ignore[union-attr]
    assert len(issue.documents) == 14


def test_not_a_gazette_is_refused() -> None:
    with pytest.raises(GazetteFormatError) as info:
        corpus("not-a-gazette.txt")
    assert "公报" in info.value.message_zh
    with pytest.raises(GazetteFormatError):
        parse_gazette("")


def test_gazette_title_without_documents_is_refused() -> None:
    with pytest.raises(GazetteFormatError):
        parse_gazette("三门峡市人民政府公报\n\n第 2 号(总第 157 号)\n\n没有任何文件。\n")


def test_corpus_folder_holds_only_known_variants() -> None:
    names = {p.name for p in Path(HERE).glob("*.txt")}
    assert names == set(VARIANTS)
