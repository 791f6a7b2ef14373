"""What a parsed gazette issue is: pydantic models with one public JSON form.

The JSON form (``GazetteIssue.to_json_dict``) is a contract with the CLI's ``--json`` output and
with whoever stores documents later; fields used only while parsing are excluded from it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, Field

BlockKind = Literal["paragraph", "list_item", "table"]
TableKind = Literal["table", "numbered_list", "plain_list", "curated"]


class IssueInfo(BaseModel):
    """One issue of the gazette, as its masthead states it."""

    id: str  # "2019-02": year and number, stable and sortable
    title: str  # "三门峡市人民政府公报"
    year: int
    number: int  # 第 N 号
    cumulative_number: int | None  # 总第 N 号
    publication_date: dt.date | None  # 出版日期
    sponsor: str | None  # 主办, e.g. 三门峡市人民政府办公室

    @property
    def label(self) -> str:
        """``三门峡市人民政府公报2019年第2号（总第157号）``, for titles and summaries."""
        total = f"（总第{self.cumulative_number}号）" if self.cumulative_number else ""
        return f"{self.title}{self.year}年第{self.number}号{total}"


class Block(BaseModel):
    """One unit of a document body: a paragraph, a list item, or a table's raw rows."""

    kind: BlockKind
    text: str = ""
    rows: list[list[str]] = Field(default_factory=list)


class Document(BaseModel):
    """One document of an issue (a notice, a decision, a speech, an interpretation...)."""

    section: str | None  # the 【…】 TOC heading it sits under
    title: str
    number: str | None  # normalised 文号; None for speeches and interpretations
    issuer: str | None
    date: dt.date | None
    related_numbers: list[str]
    body: str  # markdown-ish text, see docs/gazette-ingestion.md
    blocks: list[Block] = Field(default_factory=list, exclude=True)


class Table(BaseModel):
    """Rows found inside a document: a tab-separated table, a list, or curated rows."""

    name: str
    source_number: str | None
    columns: list[str]
    rows: list[list[str]]
    kind: TableKind = Field(default="table", exclude=True)
    stated_count: int | None = Field(default=None, exclude=True)  # "（134 家）" in the heading


class GazetteIssue(BaseModel):
    issue: IssueInfo
    documents: list[Document]
    tables: list[Table]
    warnings: list[str] = Field(default_factory=list, exclude=True)

    def to_json_dict(self) -> dict[str, Any]:
        """``{"issue": {...}, "documents": [...], "tables": [...]}`` with ISO dates."""
        return self.model_dump(mode="json")

    def document(self, number: str) -> Document | None:
        return next((d for d in self.documents if d.number == number), None)
