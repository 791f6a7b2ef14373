"""`publisher demo` (issue #18, a newcomer's first hour): sample meetings and consultations
dated from today, through the real use cases, marked 【示例】, loaded once, never in production.
The real command on a real SQLite file, on the real clock."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from typer.testing import CliRunner

from bench._servers import calendar_covering
from consultation.models import ConsultationDraft
from publisher.cli.main import app
from publisher.meetings.models import MeetingNotice
from publisher.settings import Settings, get_settings
from publisher.storage.db import make_engine, make_session_factory
from publisher.storage.migrate import upgrade
from publisher.web.app import create_app


@pytest.fixture
def demo_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'demo.sqlite3'}"
    upgrade(make_engine(url), "head")
    env = {
        "PUBLISHER_ENVIRONMENT": "development",
        "PUBLISHER_DATABASE_URL": url,
        "PUBLISHER_DATA_DIR": str(tmp_path / "var"),
        "PUBLISHER_CALENDAR_DIR": str(calendar_covering(tmp_path / "calendar", days_ahead=60)),
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    yield url
    get_settings.cache_clear()


def _counts(url: str) -> tuple[int, int]:
    with make_session_factory(make_engine(url))() as session:
        meetings = session.scalar(select(func.count()).select_from(MeetingNotice))
        drafts = session.scalar(select(func.count()).select_from(ConsultationDraft))
    return int(meetings or 0), int(drafts or 0)


def test_demo_fills_both_sections_once(demo_env: str) -> None:
    first = CliRunner().invoke(app, ["demo"])
    assert first.exit_code == 0, first.output
    assert "已装入示例会议 2 个、示例征求意见 2 个" in first.stdout
    assert _counts(demo_env) == (2, 2)
    again = CliRunner().invoke(app, ["demo"])
    assert again.exit_code == 0 and "已经装入" in again.stdout
    assert _counts(demo_env) == (2, 2)

    service = create_app(Settings())
    with TestClient(service, base_url="http://127.0.0.1:8000") as client:
        meetings = client.get("/api/v1/meetings").json()
        assert len(meetings) == 2 and all(m["title"].startswith("【示例】") for m in meetings)
        assert all(m["applications_open"] for m in meetings)
        open_now = client.get("/api/v1/consultations", params={"state": "open"}).json()
        assert [d["title"] for d in open_now] == ["【示例】三门峡市城区养犬管理办法（征求意见稿）"]
        home = client.get("/").text
        assert home.count("【示例】") == 4  # two meetings, one open and one coming consultation
        assert "本条为演示用示例数据" in client.get(f"/meetings/{meetings[0]['id']}").text
    service.state.engine.dispose()


def test_demo_is_refused_in_production(demo_env: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PUBLISHER_ENVIRONMENT", "production")
    monkeypatch.setenv("PUBLISHER_SECRET_KEY", "k" * 48)
    monkeypatch.setenv("PUBLISHER_BASE_URL", "https://yugao.smx.gov.cn")
    get_settings.cache_clear()
    refused = CliRunner().invoke(app, ["demo"])
    assert refused.exit_code == 2 and "生产环境不装入示例数据" in refused.stderr
    assert _counts(demo_env) == (0, 0)
