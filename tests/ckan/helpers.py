"""Datasets shaped like the gazette's lists, for the push tests."""

from __future__ import annotations

import json

from publisher.ckan.local import LocalDataset, LocalResource


def csv_bytes(rows: list[tuple[str, str, str]]) -> bytes:
    lines = ["序号,项目名称,申报单位"] + [",".join(r) for r in rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


def make_dataset(i: int, version: int = 0) -> LocalDataset:
    """A dataset shaped like the gazette's lists; `version` changes nothing but row 1 of CSV."""
    rows = [(str(n), f"项目{i}-{n}", f"申报单位{n}") for n in range(1, 6)]
    if version:
        rows[0] = ("1", f"项目{i}-1 修订{version}", "申报单位1")
    csv_data = csv_bytes(rows)
    json_data = json.dumps([{"序号": str(n)} for n in range(1, 6)], ensure_ascii=False).encode()
    return LocalDataset(
        name=f"list-{i}",
        title=f"第五批三门峡市非物质文化遗产代表性项目（{i}）",
        notes="三门峡市人民政府公报 2019年第2期公布的名录。",
        tags=["非物质文化遗产", "三门峡", "x"],
        license_id="cc-by",
        extras={
            "document_number": "三政〔2018〕30号",
            "gazette_issue": "2019-02",
            "source": "公报",
        },
        resources=[
            LocalResource("items.csv", "CSV", csv_data, "名录（CSV）"),
            LocalResource("items.json", "JSON", json_data, "名录（JSON）"),
        ],
    )
