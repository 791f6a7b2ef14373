"""Ingestion never loses data (issue #14): another gazette, a changed issue, the same
documents twice. Each case runs the real CLI on a real database (SQLite and PostgreSQL) and
compares every row and every file of ``datasets/`` before and after."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner, Result

from publisher.cli.ingest import ingest_app
from publisher.documents.models import GazetteDocument, GazetteIssueRow
from publisher.documents.store import ReplaceRequired, store_issue
from publisher.gazette import parse_gazette
from publisher.settings import Settings, get_settings
from tests.gazette.corpus.build import HERE, REAL
from tests.support.snapshot import database_rows

OTHER = HERE / "other-gazette.txt"  # 北京市人民政府公报 2019年第2号 (invented)

Ingest = Callable[..., Result]


def files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def csv_rows(folder: Path, name: str) -> list[dict[str, str]]:
    with (folder / "data" / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture
def ingest(
    settings: Settings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    request: pytest.FixtureRequest,
) -> Ingest:
    """``publisher ingest gazette FILE --datasets-dir tmp …`` on the test database."""
    monkeypatch.setenv("PUBLISHER_DATABASE_URL", settings.effective_database_url)
    get_settings.cache_clear()  # the CLI reads the process-wide (cached) settings
    request.addfinalizer(get_settings.cache_clear)
    runner = CliRunner()

    def run(path: Path, *options: str) -> Result:
        get_settings.cache_clear()
        args = ["gazette", str(path), "--datasets-dir", str(tmp_path / "datasets"), *options]
        return runner.invoke(ingest_app, args)

    return run


@pytest.fixture
def ours(ingest: Ingest, tmp_path: Path) -> Path:
    """Sanmenxia 2019 No. 2 ingested: the datasets folder."""
    first = ingest(REAL)
    assert first.exit_code == 0, first.output
    return tmp_path / "datasets"


def test_another_gazette_is_refused_and_changes_nothing(
    ingest: Ingest, ours: Path, engine: Engine
) -> None:
    rows, written = database_rows(engine), files(ours)
    for options in ((), ("--replace",)):
        refused = ingest(OTHER, *options)
        assert refused.exit_code == 2, refused.output
        assert "not a configured gazette source" in refused.stderr
        assert "不是已配置的公报来源" in refused.stderr
        assert database_rows(engine) == rows
        assert files(ours) == written


def test_another_gazette_configured_as_a_source_is_stored_beside_ours(
    ingest: Ingest, ours: Path, engine: Engine, db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = database_rows(engine)
    heritage = (ours / "data" / "intangible-heritage-items.csv").read_bytes()
    monkeypatch.setenv(
        "PUBLISHER_GAZETTE_SOURCES",
        json.dumps({"三门峡市人民政府公报": "sanmenxia-gazette", "北京市人民政府公报": "beijing"}),
    )
    result = ingest(OTHER)
    assert result.exit_code == 0, result.output
    assert "公报 beijing-2019-02：新增 1 篇" in result.stdout
    ours_issue = db.get(GazetteIssueRow, "2019-02")
    assert ours_issue is not None and ours_issue.title == "三门峡市人民政府公报"
    theirs = db.get(GazetteIssueRow, "beijing-2019-02")
    assert theirs is not None and theirs.title == "北京市人民政府公报"
    after = database_rows(engine)
    assert [r for r in after["gazette_document"] if r[0].startswith("2019-02-")] == [
        r for r in before["gazette_document"]
    ]
    assert len(after["gazette_document"]) == 15
    assert (ours / "sources" / "sanmenxia-gazette-2019-02.txt").read_bytes() == REAL.read_bytes()
    assert (ours / "sources" / "beijing-2019-02.txt").is_file()
    assert (ours / "data" / "intangible-heritage-items.csv").read_bytes() == heritage
    ids = [r["id"] for r in csv_rows(ours, "gazette-documents")]
    assert ids[:14] == [f"2019-02-{n:02d}" for n in range(1, 15)]
    assert ids[14:] == ["beijing-2019-02-01"]


def test_replacing_an_issue_needs_replace_and_dry_run_shows_the_diff(
    ingest: Ingest, ours: Path, engine: Engine, db: Session
) -> None:
    rows, written = database_rows(engine), files(ours)
    changed = HERE / "no-date-line.txt"  # 三政〔2018〕32号 lost its signature date
    refused = ingest(changed)
    assert refused.exit_code == 2, refused.output
    assert "--replace" in refused.stderr
    assert "~ 2019-02-03 三政〔2018〕32号" in refused.stderr and "date" in refused.stderr
    assert database_rows(engine) == rows and files(ours) == written

    dry = ingest(changed, "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "试运行（未写入任何数据）" in dry.stdout
    title = "三门峡市人民政府关于公布三门峡市第三批市级历史建筑的通知"
    assert f"~ 2019-02-03 三政〔2018〕32号 {title}：date" in dry.stdout
    assert database_rows(engine) == rows and files(ours) == written

    replaced = ingest(changed, "--replace")
    assert replaced.exit_code == 0, replaced.output
    assert "更新 1 篇" in replaced.stdout
    doc = db.get(GazetteDocument, "2019-02-03")
    assert doc is not None and doc.date is None and doc.revision == 2
    assert (ours / "sources" / REAL.name).read_bytes() == changed.read_bytes()


def test_the_same_documents_under_another_issue_are_reported_not_stored(
    ingest: Ingest, ours: Path, db: Session
) -> None:
    again = ingest(HERE / "issue-2019-03.txt")  # 2019-02's first ten documents, renumbered
    assert again.exit_code == 0, again.output
    assert "重复未存 10 篇" in again.stdout
    assert "三政〔2018〕29号（已在 2019-02-01）" in again.stdout
    assert db.scalar(select(func.count(GazetteDocument.id))) == 14
    assert len(csv_rows(ours, "gazette-documents")) == 14


def test_store_issue_refuses_a_changed_issue_without_replace(db: Session) -> None:
    issue = parse_gazette(REAL.read_text(encoding="utf-8"))
    store_issue(db, issue)
    db.commit()
    issue.documents.pop()
    with pytest.raises(ReplaceRequired) as refused:
        store_issue(db, issue)
    db.rollback()
    assert refused.value.details["changes"] == [
        "- 2019-02-14 （无文号） 《三门峡市人民政府关于大力推进装配式建筑发展的实施方案》解读"
    ]
    assert db.scalar(select(func.count(GazetteDocument.id))) == 14
