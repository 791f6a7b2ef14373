"""The datasets the city publishes from the gazette, and where in the gazette each comes from.

A dataset names its source document number and the table inside that document (matched by a
phrase of the table's name), and maps the table's Chinese columns to stable ASCII field names.
The parser stays generic; this file is the curated catalogue.
"""

from __future__ import annotations

from dataclasses import dataclass

LICENSE = {
    "name": "CC-BY-4.0",
    "path": "https://creativecommons.org/licenses/by/4.0/",
    "title": "Creative Commons Attribution 4.0 International",
}
PACKAGE_NAME = "sanmenxia-gazette-open-data"
PACKAGE_TITLE = "三门峡市人民政府公报开放数据"
SOURCE_SLUG = "sanmenxia-gazette"


@dataclass(frozen=True)
class FieldSpec:
    name: str  # ASCII, stable: part of the public API
    title: str  # Chinese column title
    type: str  # Table Schema type
    description: str
    column: str | None = None  # the parsed table's column it comes from


@dataclass(frozen=True)
class TableDatasetSpec:
    name: str
    title: str
    description: str
    keywords: tuple[str, ...]
    source_number: str
    table_phrase: str  # a phrase of the parsed table's name
    fields: tuple[FieldSpec, ...]
    unique: str | None = None  # a field whose values must be unique


SEQ = FieldSpec("seq", "序号", "integer", "在原文名单中的序号。", "序号")
SOURCE = FieldSpec("source_number", "来源文号", "string", "公布本名单的文件文号。")

TABLE_DATASETS: tuple[TableDatasetSpec, ...] = (
    TableDatasetSpec(
        name="intangible-heritage-items",
        title="第五批三门峡市非物质文化遗产代表性项目名单",
        description="三门峡市人民政府公布的第五批市级非物质文化遗产代表性项目（共13项），"
        "含项目类别、项目编号、项目名称和申报单位。原表中合并的类别单元格已逐行补齐。",
        keywords=("非物质文化遗产", "代表性项目", "文化", "三门峡"),
        source_number="三政〔2018〕30号",
        table_phrase="非物质文化遗产",
        fields=(
            SEQ,
            FieldSpec("category", "项目类别", "string", "项目类别。", "项目类别"),
            FieldSpec("item_code", "项目编号", "string", "项目编号，如 VII-4。", "项目编号"),
            FieldSpec("item_name", "项目名称", "string", "项目名称。", "项目名称"),
            FieldSpec("applicant", "申报单位", "string", "申报单位。", "申报单位"),
            SOURCE,
        ),
        unique="item_code",
    ),
    TableDatasetSpec(
        name="historic-buildings",
        title="三门峡市第三批市级历史建筑",
        description="三门峡市人民政府确定的第三批市级历史建筑：人民公园内望州亭及办公楼，"
        "由市林业园林局具体负责保护管理。原文为叙述文字，本表逐栋整理并与原文核对。",
        keywords=("历史建筑", "历史文化", "城市规划", "三门峡"),
        source_number="三政〔2018〕32号",
        table_phrase="历史建筑",
        fields=(
            SEQ,
            FieldSpec("name", "建筑名称", "string", "历史建筑名称。", "建筑名称"),
            FieldSpec("location", "所在位置", "string", "建筑所在地点。", "所在位置"),
            FieldSpec("responsible_unit", "负责单位", "string", "负责保护管理的单位。", "负责单位"),
            SOURCE,
        ),
    ),
    TableDatasetSpec(
        name="listed-enterprises-2018",
        title="2018年度三门峡市挂牌企业名单",
        description="三门峡市人民政府办公室表彰的2018年度挂牌企业（134家）。"
        "award_yuan 为原文所定每家企业的奖补金额（元），由原文读出。",
        keywords=("挂牌企业", "企业上市", "奖补", "金融", "三门峡"),
        source_number="三政办〔2018〕44号",
        table_phrase="挂牌企业",
        fields=(
            SEQ,
            FieldSpec("name", "企业名称", "string", "企业名称。", "名称"),
            FieldSpec("award_yuan", "奖补金额（元）", "integer", "每家企业的奖补金额，单位元。"),
            SOURCE,
        ),
        unique="name",
    ),
    TableDatasetSpec(
        name="advanced-units-2018",
        title="2018年度三门峡市服务企业上市工作先进单位",
        description="三门峡市人民政府办公室表彰的2018年度服务企业上市工作先进单位（6个）。",
        keywords=("先进单位", "企业上市", "表彰", "三门峡"),
        source_number="三政办〔2018〕44号",
        table_phrase="先进单位",
        fields=(
            FieldSpec("seq", "序号", "integer", "在原文名单中的顺序（原文无编号）。"),
            FieldSpec(
                "name",
                "单位名称",
                "string",
                "单位名称，照录原文；原文错字按勘误表更正（见数据集说明）。",
                "名称",
            ),
            SOURCE,
        ),
        unique="name",
    ),
)

DOCUMENTS_NAME = "gazette-documents"
BODIES_NAME = "gazette-document-bodies"
