"""Fixtures for the calendar and rule tests: a private copy of the committed year files."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from publisher.rules.workcalendar import WorkCalendar
from publisher.settings import PROJECT_ROOT

COMMITTED_DIR = PROJECT_ROOT / "datasets" / "calendar"


@pytest.fixture
def year_2027() -> dict[str, Any]:
    """A made-up but valid 2027 arrangement (test data, not the real notice)."""
    return {
        "year": 2027,
        "days_off": [
            {"date": "2027-01-01", "name": "元旦"},
            {"date": "2027-02-05", "name": "春节"},
            {"date": "2027-02-08", "name": "春节"},
            {"date": "2027-02-09", "name": "春节"},
            {"date": "2027-02-10", "name": "春节"},
        ],
        "adjusted_workdays": [{"date": "2027-02-20", "name": "春节"}],
        "source": {
            "notice_title": "国务院办公厅关于2027年部分节假日安排的通知",
            "notice_url": "https://www.gov.cn/test-fixture/2027.html",
            "built_from": "operator: test fixture",
        },
    }


@pytest.fixture
def calendar_dir(tmp_path: Path) -> Path:
    target = tmp_path / "calendar"
    shutil.copytree(COMMITTED_DIR, target)
    return target


@pytest.fixture(scope="session")
def cal() -> WorkCalendar:
    """The committed table, loaded once (it is immutable)."""
    return WorkCalendar.from_dir(COMMITTED_DIR)


@pytest.fixture
def write_json() -> Callable[[Path, dict[str, Any]], Path]:
    def write(path: Path, data: dict[str, Any]) -> Path:
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        return path

    return write
