"""The benches and the real-clock tests (kill -9, browser) run on today's date: late in
December their dates reach a year whose State Council notice may not be bundled. They use
`bench._servers.calendar_covering`, which adds a marked placeholder for such years."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from bench._servers import calendar_covering
from publisher.rules.calendar_data import load_year_files
from publisher.settings import PROJECT_ROOT


def test_placeholders_cover_the_days_ahead_and_leave_bundled_years_alone(tmp_path: Path) -> None:
    bundled = sorted(p.name for p in (PROJECT_ROOT / "datasets" / "calendar").glob("*.json"))
    last_bundled = int(bundled[-1].removesuffix(".json"))
    ahead = (dt.date(last_bundled + 2, 1, 10) - dt.date.today()).days
    folder = calendar_covering(tmp_path / "calendar", days_ahead=ahead)
    years = load_year_files(folder)  # every file valid, as the service reads them
    assert {last_bundled + 1, last_bundled + 2} <= set(years)
    placeholder = json.loads((folder / f"{last_bundled + 1}.json").read_text(encoding="utf-8"))
    assert "不是国务院通知" in placeholder["source"]["notice_title"]
    assert "placeholder" in placeholder["source"]["built_from"]
    for name in bundled:  # the real years are copied unchanged
        assert (folder / name).read_bytes() == (
            PROJECT_ROOT / "datasets" / "calendar" / name
        ).read_bytes()
    assert calendar_covering(folder, days_ahead=ahead) == folder  # idempotent
