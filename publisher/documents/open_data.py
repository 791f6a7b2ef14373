"""The gazette documents' 政府信息公开 catalogue as a live table (#22 item 4).

The `gazette-documents` file of the Data Package is written from the gazette and never changes
after; what staff keep (主题分类, 有效性: a document later repealed or amended) lives in the
database, so this table is read from it at request time and sits beside the file in the
catalogue (the site's `/datasets`, the API, DCAT and CKAN), one row per stored document.

`index_serial` is the 索引号 without the organisation code (`<year>-<NN><PPP>`,
publisher.documents.disclosure): the page and the API show the full 索引号, the code being
`PUBLISHER_ORGANISATION_CODE`, which a table read without the settings cannot know.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from publisher.documents.disclosure import DisclosureMeta, Validity
from publisher.documents.models import GazetteDocument
from publisher.opendata.specs import FieldSpec
from publisher.opendata.tables import LiveTable

DISCLOSURE = "gazette-document-disclosure"
_VALIDITIES = "、".join(f"{v.value}（{v.label_zh}）" for v in Validity)


def disclosure_rows(session: Session) -> list[dict[str, Any]]:
    documents = session.scalars(
        select(GazetteDocument)
        .options(selectinload(GazetteDocument.issue))
        .order_by(GazetteDocument.id)
    )
    rows = []
    for doc in documents:
        meta = DisclosureMeta.of(doc, "")
        rows.append(
            {
                "id": doc.id,
                "index_serial": meta.index_number,
                "title": doc.title,
                "topic": meta.topic or "",
                "issuer": meta.issuer or "",
                "written_on": meta.written_on.isoformat() if meta.written_on else "",
                "published_on": meta.published_on.isoformat() if meta.published_on else "",
                "number": meta.number or "",
                "validity": meta.validity.value,
                "validity_zh": meta.validity.label_zh,
                "validity_note": meta.validity_note or "",
            }
        )
    return rows


DISCLOSURE_TABLE = LiveTable(
    name=DISCLOSURE,
    title="三门峡市人民政府公报文件政府信息公开目录",
    description=(
        "市政府公报所载文件的政府信息公开信息：索引号、主题分类、发文机关、成文日期、发布日期、"
        "文号和有效性（有效、已废止、已修改，由市政府办公室维护）。"
    ),
    keywords=("政府信息公开", "公报", "索引号", "有效性"),
    fields=(
        FieldSpec("id", "文件标识", "string", "与 gazette-documents 的 id 相同。"),
        FieldSpec("index_serial", "索引号（年份-序号）", "string", "索引号中机构代码之后的部分。"),
        FieldSpec("title", "标题", "string", "文件标题。"),
        FieldSpec("topic", "主题分类", "string", "国务院政府信息公开主题分类，未分类为空。"),
        FieldSpec("issuer", "发文机关", "string", "发文机关。"),
        FieldSpec("written_on", "成文日期", "date", "文件的成文日期，可为空。"),
        FieldSpec("published_on", "发布日期", "date", "刊载该文件的公报出版日期，可为空。"),
        FieldSpec("number", "文号", "string", "发文字号，可为空。"),
        FieldSpec("validity", "有效性代码", "string", f"有效性：{_VALIDITIES}。"),
        FieldSpec("validity_zh", "有效性", "string", "有效性的中文表述。"),
        FieldSpec("validity_note", "废止或修改依据", "string", "被哪个文件废止或修改。"),
    ),
    primary_key=("id",),
    source="《中华人民共和国政府信息公开条例》；三门峡市人民政府公报",
    rows=disclosure_rows,
    date_field="published_on",
)
