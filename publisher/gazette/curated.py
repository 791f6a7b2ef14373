"""Rows that a document states in prose, curated by hand and keyed by document number.

A parser cannot reliably turn "确定人民公园内望州亭及办公楼两处建筑为…" into rows, so a person
does it once here. The parser still has to find the document in the issue, and every phrase in
``evidence`` must occur in that document's body; otherwise the rows are not emitted and the
issue carries a warning, so a changed or misattributed source cannot slip through silently.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CuratedTable:
    name: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    evidence: tuple[str, ...]


CURATED_TABLES: dict[str, CuratedTable] = {
    "三政〔2018〕32号": CuratedTable(
        name="三门峡市第三批市级历史建筑",
        columns=("序号", "建筑名称", "所在位置", "负责单位"),
        rows=(
            ("1", "望州亭", "人民公园", "市林业园林局"),
            ("2", "办公楼", "人民公园", "市林业园林局"),
        ),
        evidence=(
            "人民公园内望州亭及办公楼两处建筑为我市第三批市级历史建筑",
            "市林业园林局具体负责人民公园内望州亭及办公楼两处历史建筑的保护管理工作",
        ),
    ),
}
