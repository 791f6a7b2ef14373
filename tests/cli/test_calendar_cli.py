"""`publisher calendar …` end to end: in-process with CliRunner and as a real subprocess."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from publisher.cli.calendar import calendar_app
from publisher.settings import PROJECT_ROOT
from publisher.staff.models import AuditEvent
from publisher.storage.db import make_engine, make_session_factory
from publisher.workdays.models import InstalledYear

COMMITTED_DIR = PROJECT_ROOT / "datasets" / "calendar"

YEAR_2027: dict[str, Any] = {  # made up for the test, not the real 2027 notice
    "year": 2027,
    "days_off": [
        {"date": "2027-01-01", "name": "元旦"},
        {"date": "2027-02-05", "name": "春节"},
        {"date": "2027-02-08", "name": "春节"},
    ],
    "adjusted_workdays": [{"date": "2027-02-20", "name": "春节"}],
    "source": {
        "notice_title": "国务院办公厅关于2027年部分节假日安排的通知",
        "notice_url": "https://www.gov.cn/test-fixture/2027.html",
        "built_from": "operator: test fixture",
    },
}


@pytest.fixture
def cal_dir(tmp_path: Path) -> Path:
    target = tmp_path / "calendar"
    shutil.copytree(COMMITTED_DIR, target)
    return target


@pytest.fixture
def run(cal_dir: Path, tmp_path: Path) -> Any:
    """The command with the folder and a database not created yet (lookups that reach for it
    keep their refusal)."""
    runner = CliRunner()
    env = {
        "PUBLISHER_CALENDAR_DIR": str(cal_dir),
        "PUBLISHER_DATABASE_URL": f"sqlite:///{tmp_path / 'absent' / 'none.sqlite3'}",
    }

    def invoke(*args: str) -> Any:
        return runner.invoke(calendar_app, list(args), env=env)

    return invoke


@pytest.fixture
def db_run(cal_dir: Path, db_url: str) -> Any:
    """The command with the folder and the service's (migrated) database."""
    runner = CliRunner()
    env = {"PUBLISHER_CALENDAR_DIR": str(cal_dir), "PUBLISHER_DATABASE_URL": db_url}

    def invoke(*args: str) -> Any:
        return runner.invoke(calendar_app, list(args), env=env)

    return invoke


def _write(path: Path, data: dict[str, Any]) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("day", "working", "kind"),
    [
        ("2026-02-14", True, "adjusted_workday"),
        ("2026-10-08", True, "workday"),
        ("2026-10-01", False, "holiday"),
        ("2026-10-03", False, "weekend"),
    ],
)
def test_is_workday_json(run: Any, day: str, working: bool, kind: str) -> None:
    result = run("is-workday", day, "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"date": day, "working_day": working, "kind": kind}


def test_add_json(run: Any) -> None:
    result = run("add", "2026-09-30", "1", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"start": "2026-09-30", "days": 1, "result": "2026-10-08"}
    assert run("add", "2026-09-30", "1").stdout.strip() == "2026-10-08"


def test_explain_is_readable_in_both_languages(run: Any) -> None:
    zh = run("explain", "2026-10-09", "3", "--before")
    assert zh.exit_code == 0
    assert "2026年9月29日" in zh.stdout and "国庆节" in zh.stdout
    en = run("explain", "2026-09-30", "1", "--lang", "en")
    assert "2026-10-08" in en.stdout and "National Day" in en.stdout


@pytest.mark.parametrize(
    "args",
    [
        ("is-workday", "2027-01-04"),
        ("is-workday", "2027-01-04", "--json"),
        ("add", "2027-03-01", "1"),
        ("add", "2026-12-31", "1"),
        ("explain", "2027-01-04", "1"),
    ],
)
def test_uncovered_2027_exits_2_naming_the_year(run: Any, args: tuple[str, ...]) -> None:
    result = run(*args)
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "2027" in lines[0] and "publisher calendar load" in lines[0]


@pytest.mark.parametrize(
    "args", [("is-workday", "2026-02-30"), ("add", "2026-10-01", "0"), ("add", "x", "1")]
)
def test_invalid_input_exits_2(run: Any, args: tuple[str, ...]) -> None:
    result = run(*args)
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1


def test_load_2027_then_it_works(run: Any, cal_dir: Path, tmp_path: Path) -> None:
    assert run("is-workday", "2027-02-20").exit_code == 2
    source = _write(tmp_path / "my-2027.json", YEAR_2027)
    loaded = run("load", "--folder", str(source))
    assert loaded.exit_code == 0, loaded.output
    assert (cal_dir / "2027.json").exists()
    # world-readable: a service running as another user must be able to read it (was 0600)
    assert stat.S_IMODE((cal_dir / "2027.json").stat().st_mode) == 0o644
    assert not [p for p in cal_dir.iterdir() if p.name.startswith(".")]  # no temp file left
    assert "covered: 2004–2027" in loaded.stdout
    result = run("is-workday", "2027-02-20", "--json")
    assert json.loads(result.stdout)["kind"] == "adjusted_workday"
    # Dec 31 2026 (Thu) + 1 working day: Jan 1 is off, so Mon Jan 4 2027.
    assert json.loads(run("add", "2026-12-31", "1", "--json").stdout)["result"] == "2027-01-04"
    # Loading the same file again is harmless.
    assert run("load", "--folder", str(source)).exit_code == 0


def test_load_refuses_overwriting_a_different_year_without_replace(
    run: Any, cal_dir: Path, tmp_path: Path
) -> None:
    assert run("load", "--folder", str(_write(tmp_path / "a.json", YEAR_2027))).exit_code == 0
    changed = json.loads(json.dumps(YEAR_2027))
    changed["adjusted_workdays"] = [{"date": "2027-02-21", "name": "春节"}]
    other = _write(tmp_path / "b.json", changed)
    refused = run("load", "--folder", str(other))
    assert refused.exit_code == 2
    assert "--replace" in refused.stderr
    assert json.loads(run("is-workday", "2027-02-20", "--json").stdout)["working_day"] is True
    replaced = run("load", "--folder", str(other), "--replace")
    assert replaced.exit_code == 0, replaced.output
    assert json.loads(run("is-workday", "2027-02-20", "--json").stdout)["working_day"] is False
    assert json.loads(run("is-workday", "2027-02-21", "--json").stdout)["working_day"] is True


def test_load_refuses_an_invalid_file_with_one_line(
    run: Any, cal_dir: Path, tmp_path: Path
) -> None:
    bad = json.loads(json.dumps(YEAR_2027))
    bad["source"]["notice_url"] = None
    result = run("load", str(_write(tmp_path / "bad.json", bad)))
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert "notice_url" in result.stderr
    assert not (cal_dir / "2027.json").exists()
    missing = run("load", str(tmp_path / "nope.json"))
    assert missing.exit_code == 2 and "cannot read" in missing.stderr


def test_build_writes_the_cross_checked_files(run: Any, tmp_path: Path) -> None:
    out = tmp_path / "built"
    result = run("build", "--from", "2025", "--to", "2026", "--out", str(out))
    assert result.exit_code == 0, result.output
    for name in ("2025.json", "2026.json"):
        assert (out / name).read_bytes() == (COMMITTED_DIR / name).read_bytes()
    refused = run("build", "--from", "2026", "--to", "2027", "--out", str(tmp_path / "x"))
    assert refused.exit_code == 2 and "2027" in refused.stderr
    assert not (tmp_path / "x" / "2026.json").exists()  # nothing written when a year fails


def _subprocess(cal_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    code = "from publisher.cli.calendar import calendar_app; calendar_app()"
    env = {
        **os.environ,
        "PUBLISHER_CALENDAR_DIR": str(cal_dir),
        "PUBLISHER_DATABASE_URL": f"sqlite:///{cal_dir.parent / 'absent' / 'none.sqlite3'}",
    }
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cal_dir.parent,
        timeout=60,
        check=False,
    )


def test_real_process_answers_and_refuses(cal_dir: Path, tmp_path: Path) -> None:
    ok = _subprocess(cal_dir, "is-workday", "2026-02-14", "--json")
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout) == {
        "date": "2026-02-14", "working_day": True, "kind": "adjusted_workday",
    }  # fmt: skip
    refused = _subprocess(cal_dir, "add", "2026-12-31", "1", "--json")
    assert refused.returncode == 2
    assert refused.stdout == ""
    assert "2027" in refused.stderr and len(refused.stderr.strip().splitlines()) == 1
    loaded = _subprocess(cal_dir, "load", "--folder", str(_write(tmp_path / "y.json", YEAR_2027)))
    assert loaded.returncode == 0, loaded.stderr
    again = _subprocess(cal_dir, "add", "2026-12-31", "1", "--json")
    assert again.returncode == 0 and json.loads(again.stdout)["result"] == "2027-01-04"


def test_load_installs_into_the_database_for_every_process(
    db_run: Any, cal_dir: Path, tmp_path: Path, db_url: str
) -> None:
    source = _write(tmp_path / "my-2027.json", YEAR_2027)
    loaded = db_run("load", str(source))
    assert loaded.exit_code == 0, loaded.output
    assert "into the database" in loaded.stdout and "covered: 2004–2027" in loaded.stdout
    assert not (cal_dir / "2027.json").exists()
    # the lookups find the year the folder lacks in the database
    result = db_run("is-workday", "2027-02-20", "--json")
    assert json.loads(result.stdout)["kind"] == "adjusted_workday"
    assert json.loads(db_run("add", "2026-12-31", "1", "--json").stdout)["result"] == "2027-01-04"
    assert "identical" in db_run("load", str(source)).stdout

    changed = json.loads(json.dumps(YEAR_2027))
    changed["adjusted_workdays"] = [{"date": "2027-02-21", "name": "春节"}]
    other = _write(tmp_path / "b.json", changed)
    refused = db_run("load", str(other))
    assert refused.exit_code == 2 and "--replace" in refused.stderr
    assert db_run("load", str(other), "--replace").exit_code == 0

    engine = make_engine(db_url)
    try:
        with make_session_factory(engine)() as session:
            actions = session.execute(
                select(AuditEvent.action, AuditEvent.via).where(
                    AuditEvent.object_type == "calendar_year"
                )
            ).all()
            assert [tuple(a) for a in actions] == [("calendar.install", "cli")] * 2
            assert '"2027-02-21"' in session.get(InstalledYear, 2027).content  # type: ignore[union-attr]
    finally:
        engine.dispose()
