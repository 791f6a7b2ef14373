"""The published Data Package: valid, complete, deterministic, and readable as a catalogue."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from publisher.gazette import parse_gazette
from publisher.opendata import award_per_enterprise, read_package, write_datasets
from publisher.opendata.errata import Erratum, apply_errata
from publisher.settings import PROJECT_ROOT
from tests.gazette.corpus.build import HERE, real_text

DATASETS = PROJECT_ROOT / "datasets"
FRICTIONLESS = PROJECT_ROOT / ".venv" / "bin" / "frictionless"
EXPECTED_ROWS = {
    "intangible-heritage-items": 13,
    "historic-buildings": 2,
    "listed-enterprises-2018": 134,
    "advanced-units-2018": 6,
    "gazette-documents": 14,
    "gazette-document-bodies": 14,
}


def _validate(package: Path) -> dict[str, Any]:
    proc = subprocess.run(
        [str(FRICTIONLESS), "validate", "--json", package.name],
        capture_output=True,
        text=True,
        cwd=package.parent,
        timeout=300,
        check=False,
    )
    report: dict[str, Any] = json.loads(proc.stdout)
    return report


def _rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))


def test_frictionless_validates_the_published_package() -> None:
    report = _validate(DATASETS / "datapackage.json")
    errors = [e["message"] for t in report["tasks"] for e in t["errors"]]
    assert report["valid"], errors
    assert {t["name"] for t in report["tasks"]} == set(EXPECTED_ROWS)
    assert {t["name"]: t["stats"]["rows"] for t in report["tasks"]} == EXPECTED_ROWS


def test_frictionless_catches_a_tampered_csv(tmp_path: Path) -> None:
    shutil.copytree(DATASETS, tmp_path / "d", ignore=shutil.ignore_patterns("calendar"))
    csv_path = tmp_path / "d" / "data" / "historic-buildings.csv"
    csv_path.write_text(csv_path.read_text(encoding="utf-8").replace("望州亭", "望洲亭"), "utf-8")
    report = _validate(tmp_path / "d" / "datapackage.json")
    assert not report["valid"]


def test_published_package_is_what_the_sources_produce(tmp_path: Path) -> None:
    """Regenerating from the bundled source gives byte-identical files (re-ingest is a no-op)."""
    (tmp_path / "sources").mkdir()
    shutil.copy(DATASETS / "sources" / "sanmenxia-gazette-2019-02.txt", tmp_path / "sources")
    first = write_datasets(tmp_path)
    assert first.skipped == ()
    for name in first.changed:
        assert (tmp_path / name).read_bytes() == (DATASETS / name).read_bytes(), name
    assert write_datasets(tmp_path).changed == ()


def test_bundled_source_is_the_shared_gazette() -> None:
    """The bundled copy is byte for byte the gazette in ``../shared`` beside the project.

    The copy is bundled so that the service runs without ``../shared``; the developers' and CI's
    machines have it beside every clone, so its absence is a broken checkout, and fails.
    """
    shared = PROJECT_ROOT.parent / "shared" / "gazettes" / "sanmenxia-gazette-2019-02.txt"
    bundled = DATASETS / "sources" / "sanmenxia-gazette-2019-02.txt"
    assert shared.is_file(), f"{shared} is missing: ../shared is expected beside the project"
    assert bundled.read_bytes() == shared.read_bytes()
    assert parse_gazette(bundled.read_text(encoding="utf-8")).issue.id == "2019-02"


def test_csv_contents() -> None:
    data = DATASETS / "data"
    heritage = _rows(data / "intangible-heritage-items.csv")
    assert [r["category"] for r in heritage].count("传统技艺") == 7
    assert len({r["item_code"] for r in heritage}) == 13
    buildings = _rows(data / "historic-buildings.csv")
    assert [
        (b["name"], b["location"], b["responsible_unit"], b["source_number"]) for b in buildings
    ] == [
        ("望州亭", "人民公园", "市林业园林局", "三政〔2018〕32号"),
        ("办公楼", "人民公园", "市林业园林局", "三政〔2018〕32号"),
    ]
    enterprises = _rows(data / "listed-enterprises-2018.csv")
    assert {r["award_yuan"] for r in enterprises} == {"20000"}
    docs = _rows(data / "gazette-documents.csv")
    assert [d["id"] for d in docs] == [f"2019-02-{i:02d}" for i in range(1, 15)]
    assert docs[10]["related_numbers"].split(";")[0] == "三政〔2018〕34号"
    bodies = _rows(data / "gazette-document-bodies.csv")
    assert [b["document_id"] for b in bodies] == [d["id"] for d in docs]
    assert "组织和监控企业日常财务活动。" in bodies[3]["body"]


def test_award_is_read_from_the_text() -> None:
    issue = parse_gazette(real_text())
    assert award_per_enterprise(issue, "三政办〔2018〕44号") == 20000
    changed = real_text().replace("对每家企业奖补 2 万元", "对每家企业奖补 3 万元")
    assert award_per_enterprise(parse_gazette(changed), "三政办〔2018〕44号") == 30000
    assert award_per_enterprise(issue, "三政〔2018〕29号") is None


def test_catalog() -> None:
    catalog = {d.name: d for d in read_package(DATASETS)}
    assert set(catalog) == set(EXPECTED_ROWS)
    heritage = catalog["intangible-heritage-items"]
    assert heritage.title == "第五批三门峡市非物质文化遗产代表性项目名单"
    assert heritage.publisher == "三门峡市人民政府"
    assert heritage.source_numbers == ("三政〔2018〕30号",)
    assert heritage.gazette_issue == "2019-02"
    assert heritage.license == "CC-BY-4.0"
    assert str(heritage.issued) == str(heritage.modified) == "2019-02-11"
    assert catalog["listed-enterprises-2018"].publisher == "三门峡市人民政府办公室"
    assert len(catalog["gazette-documents"].source_numbers) == 10
    for dataset in catalog.values():
        assert dataset.keywords and dataset.description
        (resource,) = dataset.resources
        path = DATASETS / resource.path
        assert resource.bytes == path.stat().st_size
        assert resource.row_count == EXPECTED_ROWS[dataset.name] == len(_rows(path))
        assert (resource.format, resource.media_type) == ("csv", "text/csv")
        assert [f["name"] for f in resource.schema["fields"]] == list(_rows(path)[0])


def test_catalog_of_a_missing_package_is_not_found(tmp_path: Path) -> None:
    from publisher.errors import NotFound

    with pytest.raises(NotFound):
        read_package(tmp_path)


def test_the_package_is_read_again_only_when_its_file_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every download asks for the catalogue: the package is parsed once per version of its
    file (#15: reading and parsing it was most of a download's 304), and a new file (as
    ingestion writes it, replaced whole) is read at once."""
    shutil.copy(DATASETS / "datapackage.json", tmp_path / "datapackage.json")
    reads: list[Path] = []
    read_text = Path.read_text

    def counted(path: Path, *args: Any, **kwargs: Any) -> str:
        reads.append(path)
        return read_text(path, *args, **kwargs)

    monkeypatch.setattr(Path, "read_text", counted)
    first, again = read_package(tmp_path), read_package(tmp_path)
    assert len(reads) == 1 and [d.name for d in first] == [d.name for d in again]
    first.clear()  # a caller's list is its own
    assert read_package(tmp_path)
    package = json.loads(read_text(tmp_path / "datapackage.json", encoding="utf-8"))
    package["resources"][0]["title"] = "改过的标题"
    replacement = tmp_path / "datapackage.json.new"
    replacement.write_text(json.dumps(package, ensure_ascii=False), encoding="utf-8")
    replacement.replace(tmp_path / "datapackage.json")
    assert read_package(tmp_path)[0].title == "改过的标题" and len(reads) == 2


def test_package_from_another_issue_skips_datasets_it_cannot_source(tmp_path: Path) -> None:
    (tmp_path / "sources").mkdir()
    text = (HERE / "issue-2019-03.txt").read_text(encoding="utf-8")
    (tmp_path / "sources" / "sanmenxia-gazette-2019-03.txt").write_text(text, encoding="utf-8")
    shutil.copy(DATASETS / "sources" / "sanmenxia-gazette-2019-02.txt", tmp_path / "sources")
    result = write_datasets(tmp_path)
    catalog = {d.name: d for d in read_package(tmp_path)}
    # the corpus's "2019-03" reprints 2019-02's first ten documents under the same numbers:
    # each document is published once, in the first issue that printed it (issue #14)
    assert catalog["gazette-documents"].resources[0].row_count == 14
    assert catalog["gazette-documents"].gazette_issues == ("2019-02", "2019-03")
    modified = catalog["gazette-documents"].modified
    assert modified is not None and modified.isoformat() == "2019-03-11"
    assert catalog["intangible-heritage-items"].gazette_issue == "2019-02"  # first source wins
    assert _validate(result.datapackage)["valid"]


def test_the_gazettes_misprint_is_corrected_in_the_data_and_kept_in_the_text() -> None:
    """三政办〔2018〕44号 prints "浉池县人民政府"; the county is 渑池县 (errata.csv, #14)."""
    names = [row["name"] for row in _rows(DATASETS / "data" / "advanced-units-2018.csv")]
    assert "渑池县人民政府" in names and "浉池县人民政府" not in names
    catalog = {d.name: d for d in read_package(DATASETS)}
    assert "勘误：原文“浉池县人民政府”更正为“渑池县人民政府”" in (
        catalog["advanced-units-2018"].description
    )
    package = json.loads((DATASETS / "datapackage.json").read_text(encoding="utf-8"))
    (units,) = [r for r in package["resources"] if r["name"] == "advanced-units-2018"]
    assert units["errata"] == [
        {
            "field": "name",
            "original": "浉池县人民政府",
            "correction": "渑池县人民政府",
            "reason": "原文错字：三门峡市所辖为渑池县，无“浉池县”（浉河区属信阳市）",
        }
    ]
    bodies = (DATASETS / "data" / "gazette-document-bodies.csv").read_text(encoding="utf-8")
    assert "浉池县人民政府" in bodies  # the document keeps what the gazette printed


def test_an_erratum_applies_to_whole_cells_of_its_own_dataset_only() -> None:
    erratum = Erratum("units", "name", "三政办〔2018〕44号", "甲县", "乙县", "错字")
    rows = [["1", "甲县"], ["2", "甲县人民政府"]]
    fixed, applied = apply_errata("units", "三政办〔2018〕44号", ["seq", "name"], rows, (erratum,))
    assert fixed == [["1", "乙县"], ["2", "甲县人民政府"]] and applied == [erratum]
    assert apply_errata("other", "三政办〔2018〕44号", ["seq", "name"], rows, (erratum,))[0] == rows
    assert apply_errata("units", "三政〔2018〕1号", ["seq", "name"], rows, (erratum,))[0] == rows


def test_a_dataset_the_sources_no_longer_give_loses_its_csv(tmp_path: Path) -> None:
    """No stale CSV beside a package that no longer lists it (issue #14)."""
    sources = tmp_path / "sources"
    sources.mkdir()
    shutil.copy(DATASETS / "sources" / "sanmenxia-gazette-2019-02.txt", sources)
    write_datasets(tmp_path)
    assert (tmp_path / "data" / "historic-buildings.csv").is_file()
    (sources / "sanmenxia-gazette-2019-02.txt").unlink()
    shutil.copy(HERE / "other-gazette.txt", sources / "beijing-2019-02.txt")
    result = write_datasets(tmp_path)
    assert "data/historic-buildings.csv" in result.changed
    assert sorted(p.name for p in (tmp_path / "data").iterdir()) == [
        "gazette-document-bodies.csv",
        "gazette-documents.csv",
    ]
    assert [r["id"] for r in _rows(tmp_path / "data" / "gazette-documents.csv")] == [
        "beijing-2019-02-01"
    ]
