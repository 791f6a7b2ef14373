"""Storing a gazette issue in the database: idempotent, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from publisher.cli.ingest import ingest_app
from publisher.documents.models import GazetteDocument, GazetteIssueRow
from publisher.documents.store import load_bundled_data, store_issue
from publisher.gazette import parse_gazette
from publisher.settings import PROJECT_ROOT, Settings, get_settings

SOURCE = PROJECT_ROOT / "datasets" / "sources" / "sanmenxia-gazette-2019-02.txt"


def _count(db: Session) -> int:
    return int(db.scalar(select(func.count(GazetteDocument.id))) or 0)


def test_store_issue_twice_changes_nothing(db: Session) -> None:
    issue = parse_gazette(SOURCE.read_text(encoding="utf-8"))
    first = store_issue(db, issue)
    db.commit()
    assert len(first.created) == 14 and not first.updated and not first.unchanged
    assert _count(db) == 14
    stamps = dict(db.execute(select(GazetteDocument.id, GazetteDocument.updated_at)).all())

    second = store_issue(db, issue)
    db.commit()
    assert not second.changed
    assert len(second.unchanged) == 14
    assert _count(db) == 14
    db.expire_all()
    assert dict(db.execute(select(GazetteDocument.id, GazetteDocument.updated_at)).all()) == (
        stamps
    )
    doc = db.get(GazetteDocument, "2019-02-01")
    assert doc is not None and doc.revision == 1 and doc.issue.id == "2019-02"
    assert first.created[0] == "2019-02-01"


def test_a_changed_document_is_updated_with_a_new_revision(db: Session) -> None:
    issue = parse_gazette(SOURCE.read_text(encoding="utf-8"))
    store_issue(db, issue)
    db.commit()
    issue.documents[2].title = issue.documents[2].title + "（修订）"
    result = store_issue(db, issue, replace=True)
    db.commit()
    assert result.updated == ["2019-02-03"] and len(result.unchanged) == 13
    doc = db.get(GazetteDocument, "2019-02-03")
    assert doc is not None and doc.revision == 2 and doc.title.endswith("（修订）")


def test_numbers_and_related_documents_are_stored(db: Session) -> None:
    store_issue(db, parse_gazette(SOURCE.read_text(encoding="utf-8")))
    db.commit()
    numbers = set(db.scalars(select(GazetteDocument.number)))
    assert "三政办〔2018〕45号" in numbers
    related = [d for d in db.scalars(select(GazetteDocument)) if d.related_numbers]
    assert related and all(isinstance(n, str) for d in related for n in d.related_numbers)


def test_load_bundled_data_stores_once_then_skips(settings: Settings, db: Session) -> None:
    first = load_bundled_data(settings, db)
    assert [len(r.created) for r in first.stored] == [14]
    second = load_bundled_data(settings, db)
    assert second.stored == () and second.skipped == (SOURCE.name,)
    assert _count(db) == 14
    assert db.scalar(select(func.count(GazetteIssueRow.id))) == 1


def test_cli_ingest_stores_documents_idempotently(
    settings: Settings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    request: pytest.FixtureRequest,
) -> None:
    monkeypatch.setenv("PUBLISHER_DATABASE_URL", settings.effective_database_url)
    get_settings.cache_clear()  # the CLI reads the process-wide (cached) settings
    request.addfinalizer(get_settings.cache_clear)
    runner = CliRunner()
    args = ["gazette", str(SOURCE), "--datasets-dir", str(tmp_path)]
    first = runner.invoke(ingest_app, args)
    assert first.exit_code == 0, first.output
    assert "新增 14 篇" in first.stdout
    again = runner.invoke(ingest_app, args)
    assert again.exit_code == 0, again.output
    assert "新增 0 篇，更新 0 篇，未变 14 篇" in again.stdout
