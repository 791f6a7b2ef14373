"""Pinned facts of the real 2019 No. 2 issue, each checked by reading the text by hand."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from publisher.gazette import GazetteIssue, parse_gazette
from tests.gazette.corpus.build import real_text


@pytest.fixture(scope="module")
def issue() -> GazetteIssue:
    return parse_gazette(real_text())


CITY, OFFICE, READ = "市政府文件", "市政府办公室文件", "政策解读"
GOV, GOV_OFFICE = "三门峡市人民政府", "三门峡市人民政府办公室"

# (section, number, issuer, date) in body order, read off the text
PINNED = [
    (CITY, "三政〔2018〕29号", GOV, dt.date(2018, 11, 20)),
    (CITY, "三政〔2018〕30号", GOV, dt.date(2018, 12, 11)),
    (CITY, "三政〔2018〕32号", GOV, dt.date(2018, 12, 5)),
    (CITY, "三政〔2018〕33号", GOV, dt.date(2018, 12, 17)),
    (CITY, "三政〔2018〕34号", GOV, dt.date(2018, 12, 17)),
    (OFFICE, "三政办〔2018〕41号", GOV_OFFICE, dt.date(2018, 11, 14)),
    (OFFICE, "三政办〔2018〕42号", GOV_OFFICE, dt.date(2018, 11, 20)),
    (OFFICE, "三政办〔2018〕43号", GOV_OFFICE, dt.date(2018, 12, 6)),
    (OFFICE, "三政办〔2018〕44号", GOV_OFFICE, dt.date(2018, 12, 15)),
    (OFFICE, "三政办〔2018〕45号", GOV_OFFICE, dt.date(2018, 12, 12)),
    (READ, None, None, None),
    (READ, None, None, None),
    (READ, None, None, None),
    (READ, None, None, None),
]


def test_issue_masthead(issue: GazetteIssue) -> None:
    info = issue.issue
    assert (info.id, info.title, info.year, info.number) == (
        "2019-02",
        "三门峡市人民政府公报",
        2019,
        2,
    )
    assert info.cumulative_number == 157
    assert info.publication_date == dt.date(2019, 2, 11)
    assert info.sponsor == GOV_OFFICE
    assert issue.warnings == []


def test_fourteen_documents_with_sections_numbers_issuers_dates(issue: GazetteIssue) -> None:
    got = [(d.section, d.number, d.issuer, d.date) for d in issue.documents]
    assert got == PINNED


def test_titles_are_one_line_without_stray_spaces(issue: GazetteIssue) -> None:
    titles = [d.title for d in issue.documents]
    assert titles[0] == "三门峡市人民政府关于表彰全市交通运输系统先进单位和个人的决定"
    # printed over two lines with a blank line between
    assert titles[2] == "三门峡市人民政府关于公布三门峡市第三批市级历史建筑的通知"
    assert (
        titles[8]
        == "三门峡市人民政府办公室关于表彰2018年度服务企业上市工作先进单位和挂牌企业的决定"
    )
    assert titles[13] == "《三门峡市人民政府关于大力推进装配式建筑发展的实施方案》解读"
    for title in titles:
        assert "\n" not in title
        assert not re.search(r"[\u4e00-\u9fff0-9] |[ ][\u4e00-\u9fff]", title), title


def test_interpretations_point_at_the_policy_they_explain(issue: GazetteIssue) -> None:
    reads = issue.documents[10:]
    # the first related number comes from matching the 《》 title against the other documents
    assert [d.related_numbers[0] for d in reads] == [
        "三政〔2018〕34号",
        "三政办〔2018〕40号",  # not in this issue: cited in the text only
        "三政办〔2018〕41号",
        "三政办〔2018〕42号",
    ]
    assert "国发〔2014〕43号" in reads[0].related_numbers


def test_cited_numbers_are_normalised_and_never_self(issue: GazetteIssue) -> None:
    by_number = {d.number: d for d in issue.documents if d.number}
    assert by_number["三政〔2018〕33号"].related_numbers == ["三政〔2011〕67号", "三办〔2015〕32号"]
    assert by_number["三政办〔2018〕44号"].related_numbers == ["三政办〔2018〕17号"]
    for number, doc in by_number.items():
        assert number not in doc.related_numbers


def test_page_breaks_are_rejoined(issue: GazetteIssue) -> None:
    body = issue.document("三政〔2018〕33号").body  # type: ignore[union-attr]
    assert "组织和监控企业日常财务活动。" in body
    assert "旅游发展委、交通运输局" in body
    debt = issue.document("三政〔2018〕34号").body  # type: ignore[union-attr]
    assert "从严审批债务风险较高地区的新开工项目。" in debt
    rules = issue.document("三政办〔2018〕45号").body  # type: ignore[union-attr]
    assert "利益密切相关的重大事项作出的决定。" in rules
    # headings are not glued to what follows
    assert "\n\n二、注册资本\n\n" in body


def test_masthead_and_toc_are_not_in_any_body(issue: GazetteIssue) -> None:
    for doc in issue.documents:
        for junk in ("编 委 会", "编委会", "CONTENTS", "准印证号", "责任编辑", "--\t"):
            assert junk not in doc.body


def test_traditional_paragraphs_become_simplified(issue: GazetteIssue) -> None:
    body = issue.document("三政〔2018〕33号").body  # type: ignore[union-attr]
    assert "四、主要职能和经营范围" in body
    assert "同时在国有资产管理部门和工商部门办理国有资产划转或股权变更手续。" in body
    assert "承担国有资产保值增值责任" in body
    assert "完成市委、市政府交办的其他事项。" in body
    for char in "職經營範圍門辦國資產劃轉權變續擔責負遊體業礎設項":
        assert char not in body


def test_list_markers_become_list_items(issue: GazetteIssue) -> None:
    rules = issue.document("三政办〔2018〕45号").body  # type: ignore[union-attr]
    assert (
        "重大行政决策包括：\n\n- （一）涉及全市的重要改革方案、重要政策措施、重点工作、重大项目、"
        "重大事项等的出台；\n- （二）涉及法规、规章、规范性文件及其他政策措施的出台；"
    ) in rules
    assert len(re.findall(r"^- （", rules, flags=re.M)) == 9


def test_heritage_table(issue: GazetteIssue) -> None:
    table = next(t for t in issue.tables if t.source_number == "三政〔2018〕30号")
    assert table.columns == ["序号", "项目类别", "项目编号", "项目名称", "申报单位"]
    assert len(table.rows) == 13
    assert [r[0] for r in table.rows] == [str(n) for n in range(1, 14)]
    # blank merged cells filled down
    assert [r[1] for r in table.rows[1:5]] == ["传统美术"] * 4
    assert table.rows[11][1:4] == ["传统技艺", "VIII-25", "传拓技艺[古砚传拓技艺]"]
    assert table.rows[3][3] == "泥塑"
    assert table.rows[12] == ["13", "传统医药", "IX-7", "秦氏妇科", "湖滨区文化馆"]


def test_lists_of_document_44(issue: GazetteIssue) -> None:
    tables = [t for t in issue.tables if t.source_number == "三政办〔2018〕44号"]
    units, enterprises = tables
    assert units.columns == ["名称"] and len(units.rows) == 6
    assert units.rows[0] == ["三门峡市人民政府金融工作办公室"]
    assert units.rows[-1] == ["中原证券黄河金三角示范区分公司"]
    assert enterprises.columns == ["序号", "名称"] and len(enterprises.rows) == 134
    assert [int(r[0]) for r in enterprises.rows] == list(range(1, 135))
    assert enterprises.rows[110] == ["111", "三门峡金轮刚玉有限公司"]  # printed as "- 111. …"
    assert len({r[1] for r in enterprises.rows}) == 134


def test_historic_buildings_are_curated_rows_of_the_found_document(issue: GazetteIssue) -> None:
    table = next(t for t in issue.tables if t.source_number == "三政〔2018〕32号")
    assert [r[1:] for r in table.rows] == [
        ["望州亭", "人民公园", "市林业园林局"],
        ["办公楼", "人民公园", "市林业园林局"],
    ]


def test_json_form_has_exactly_the_agreed_keys(issue: GazetteIssue) -> None:
    data = issue.to_json_dict()
    assert set(data) == {"issue", "documents", "tables"}
    assert set(data["documents"][0]) == {
        "section", "title", "number", "issuer", "date", "related_numbers", "body"
    }  # fmt: skip
    assert set(data["tables"][0]) == {"name", "source_number", "columns", "rows"}
    assert data["documents"][0]["date"] == "2018-11-20"
    assert data["issue"]["publication_date"] == "2019-02-11"
    assert [len(t["rows"]) for t in data["tables"]] == [13, 2, 6, 134]


def test_crlf_and_bom_change_nothing(issue: GazetteIssue) -> None:
    variant = "\ufeff" + real_text().replace("\n", "\r\n")
    assert parse_gazette(variant).to_json_dict() == issue.to_json_dict()
