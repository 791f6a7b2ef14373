"""A gazette document in the 政府信息公开 form: its metadata block, and staff marking it.

Citizens expect a government document page to open with 索引号, 主题分类, 发文机关, 成文日期,
发布日期, 文号 and 有效性. Most come from the gazette (the parser); two are kept by staff: the
主题分类 (the State Council's topic list for government information) and the 有效性, which
staff change to 已废止 or 已修改 when a later document repeals or amends it (saying which).

索引号 scheme (docs/government-website.md): `<organisation code>/<year>-<NN><PPP>`: the
issuing office's code (`PUBLISHER_ORGANISATION_CODE`, left out when empty), the gazette
issue's year, its number in two digits and the document's position in three, so
`11411200MB0000000X/2019-02001` is 2019 No. 2's first document. It is derived from the
document's stable id, so it never changes when an issue is ingested again; documents of another
gazette source carry their slug before the year.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from publisher.documents.models import GazetteDocument
from publisher.documents.queries import get_document
from publisher.errors import ValidationFailed
from publisher.staff import audit
from publisher.staff.principal import StaffPrincipal
from publisher.storage.db import unit_of_work
from publisher.vocabulary import LabelledEnum, labelled

#: 主题分类: the State Council's topic classes of government information (中国政府网 公开目录)
TOPICS: tuple[str, ...] = (
    "综合政务",
    "国民经济管理、国有资产监管",
    "财政、金融、审计",
    "国土资源、能源",
    "农业、林业、水利",
    "工业、交通",
    "商贸、海关、旅游",
    "市场监管、安全生产监管",
    "城乡建设、环境保护",
    "科技、教育",
    "文化、广电、新闻出版",
    "卫生、体育",
    "人口与计划生育、妇女儿童工作",
    "劳动、人事、监察",
    "公安、安全、司法",
    "民政、扶贫、救灾",
    "民族、宗教",
    "对外事务",
    "港澳台侨工作",
    "国防",
    "其他",
)
MAX_NOTE_CHARS = 500


@labelled({"effective": "有效", "repealed": "已废止", "amended": "已修改"})
class Validity(LabelledEnum):
    EFFECTIVE = "effective"
    REPEALED = "repealed"
    AMENDED = "amended"


def index_number(doc: GazetteDocument, organisation_code: str) -> str:
    """The document's 索引号 by the scheme in the module docstring."""
    issue = doc.issue
    source = doc.issue_id.removesuffix(f"{issue.year}-{issue.number:02d}").rstrip("-")
    serial = f"{source + '-' if source else ''}{issue.year}-{issue.number:02d}{doc.position:03d}"
    code = organisation_code.strip()
    return f"{code}/{serial}" if code else serial


@dataclass(frozen=True)
class DisclosureMeta:
    """The metadata block, in the order the page shows it."""

    index_number: str
    topic: str | None
    issuer: str | None
    written_on: dt.date | None  # 成文日期
    published_on: dt.date | None  # 发布日期: the gazette issue's publication date
    number: str | None  # 文号
    validity: Validity
    validity_note: str | None

    @classmethod
    def of(cls, doc: GazetteDocument, organisation_code: str) -> DisclosureMeta:
        return cls(
            index_number=index_number(doc, organisation_code),
            topic=doc.topic,
            issuer=doc.issuer,
            written_on=doc.date,
            published_on=doc.issue.publication_date,
            number=doc.number,
            validity=Validity(doc.validity),
            validity_note=doc.validity_note,
        )


@unit_of_work
def set_document_status(
    session: Session,
    doc_id: str,
    *,
    topic: str | None,
    validity: Validity,
    note: str,
    principal: StaffPrincipal,
    now: dt.datetime,
) -> GazetteDocument:
    """Staff set a document's 主题分类 and 有效性. 已废止/已修改 must say by what (the note),
    so a reader can find the document in force."""
    doc = get_document(session, doc_id)
    topic = (topic or "").strip() or None
    note = note.strip()
    if topic is not None and topic not in TOPICS:
        raise ValidationFailed(
            f"Unknown topic {topic!r}: choose one of the State Council's topic classes.",
            f"主题分类“{topic}”不在国务院政府信息主题分类中，请从列表中选择。",
            field="topic",
        )
    if validity is not Validity.EFFECTIVE and not note:
        raise ValidationFailed(
            "A repealed or amended document must say which document repealed or amended it.",
            f"标记为“{validity.label_zh}”时，请写明被哪个文件废止或修改（例如文号）。",
            field="note",
        )
    if len(note) > MAX_NOTE_CHARS:
        raise ValidationFailed(
            f"The note is longer than {MAX_NOTE_CHARS} characters.",
            f"说明不能超过{MAX_NOTE_CHARS}个字。",
            field="note",
        )
    if doc.validity != validity.value:
        doc.validity_changed_at = now
    doc.topic = topic
    doc.validity = validity.value
    doc.validity_note = note or None
    doc.updated_at = now
    audit.record(
        session,
        principal,
        "document.status",
        "gazette_document",
        doc.id,
        topic=topic,
        validity=validity.value,
        note=note,
    )
    return doc
