"""The self-inspection (#22 item 5): the indicators this service can see, each with its
threshold, result, evidence and action; non-zero exit when a veto indicator fails.

An empty site fails the home-page veto and lists its empty sections; a seeded site with a
planted dead attachment and a comment backdated 100 days reports exactly those; the same site
clean passes every veto."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from typer.testing import CliRunner

from bench._servers import calendar_covering
from consultation.models import Comment, ConsultationAttachment
from publisher.cli.main import app as cli
from publisher.documents.store import load_bundled_data
from publisher.inspection.model import Finding, InspectionContext, Level
from publisher.inspection.run import inspect_site, report_csv, vetoed
from publisher.settings import Settings, get_settings
from publisher.storage.db import make_engine, make_session_factory
from publisher.storage.migrate import upgrade
from publisher.web.app import create_app
from publisher.web.selfcheck import fetch_from
from publisher.wiring import inspection_checks, inspection_sections
from tests.support.staff import StaffFixture
from tests.support.world import Clock, plant_site

LATER = dt.datetime(2026, 12, 8, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


@pytest.fixture
def site(
    settings: Settings, staff: StaffFixture
) -> Iterator[tuple[FastAPI, TestClient, dict[str, str]]]:
    app = create_app(settings)
    app.state.clock = Clock()
    with TestClient(app, base_url=settings.base_url) as client:
        ids = plant_site(client, app, settings, staff)
        app.state.clock.now = LATER
        yield app, client, ids
    app.state.engine.dispose()


def _inspect(app: FastAPI, settings: Settings) -> list[Finding]:
    with app.state.session_factory() as session, fetch_from(app, settings.base_url) as fetch:
        ctx = InspectionContext(session, LATER, settings, app.state.open_data_tables)
        return inspect_site(ctx, inspection_sections(), inspection_checks(), fetch, 500)


def _failed(findings: list[Finding]) -> dict[str, tuple[str, ...]]:
    return {f.indicator: f.evidence for f in findings if f.level is Level.FAIL}


def test_a_clean_seeded_site_passes_every_veto(
    site: tuple[FastAPI, TestClient, dict[str, str]], settings: Settings
) -> None:
    app, _, _ = site
    findings = _inspect(app, settings)
    assert _failed(findings) == {} and vetoed(findings) == []
    links = next(f for f in findings if f.indicator == "链接可用性")
    visited = next(e for e in links.evidence if e.startswith("检查了"))
    assert int(visited.split()[1]) > 30  # the crawl reached the pages, feeds and downloads
    stale = next(f for f in findings if f.indicator == "栏目不更新")
    assert stale.level is Level.WARN and any("公报文件" in e for e in stale.evidence)


def test_a_dead_attachment_and_a_comment_waiting_100_days_are_exactly_what_fails(
    site: tuple[FastAPI, TestClient, dict[str, str]], settings: Settings
) -> None:
    app, _, ids = site
    with app.state.session_factory() as session, session.begin():
        comment = session.scalars(select(Comment)).first()
        assert comment is not None
        session.execute(
            update(Comment)
            .where(Comment.id == comment.id)
            .values(
                answered_at=None,
                disposition=None,
                answer_text=None,
                submitted_at=LATER - dt.timedelta(days=100),
            )
        )
        session.execute(
            update(ConsultationAttachment)
            .where(ConsultationAttachment.id == int(ids["attachment_id"]))
            .values(sha256="0" * 64)
        )
        code = comment.receipt_code
    findings = _inspect(app, settings)
    failed = _failed(findings)
    assert set(failed) == {"互动回应：公众意见答复", "附件下载"}
    assert (
        len(failed["互动回应：公众意见答复"]) == 1 and code in failed["互动回应：公众意见答复"][0]
    )
    assert "已等待 100 天" in failed["互动回应：公众意见答复"][0]
    dead = f"/consultations/{ids['draft_id']}/attachments/{ids['attachment_id']}"
    assert [e.split()[0] for e in failed["附件下载"]] == [dead]
    assert [f.indicator for f in vetoed(findings)] == ["互动回应：公众意见答复"]
    report = report_csv(findings, LATER).decode("utf-8-sig")
    assert report.startswith("指标,标准,单项否决,结果,证据,处理建议,检查时间")
    assert "互动回应：公众意见答复,意见超过3个月" in report and "不合格" in report


@pytest.fixture
def empty_site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    upgrade(make_engine(url), "head")
    for name, value in {
        "PUBLISHER_ENVIRONMENT": "development",
        "PUBLISHER_DATABASE_URL": url,
        "PUBLISHER_DATA_DIR": str(tmp_path / "var"),
        "PUBLISHER_CALENDAR_DIR": str(calendar_covering(tmp_path / "calendar", days_ahead=60)),
    }.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    yield url
    get_settings.cache_clear()


def test_the_command_on_an_empty_site_names_the_empty_sections_and_exits_1(
    empty_site: str, tmp_path: Path
) -> None:
    result = CliRunner().invoke(cli, ["inspect", "--json", "--csv", str(tmp_path / "r.csv")])
    assert result.exit_code == 1, result.output
    rows = json.loads(result.stdout)
    assert set(rows[0]) == {
        "indicator",
        "threshold",
        "veto",
        "passed",
        "level",
        "evidence",
        "action",
    }
    by_name = {r["indicator"]: r for r in rows}
    assert by_name["首页更新"]["passed"] is False and by_name["首页更新"]["veto"] is True
    empty = by_name["空白栏目"]["evidence"]
    assert {
        "重大会议预公开（/meetings）",
        "决策征求意见（/consultations）",
        "公报文件（/documents）",
    } <= set(empty)
    assert "单项否决指标未通过：首页更新" in result.stderr
    assert (tmp_path / "r.csv").read_bytes().startswith(b"\xef\xbb\xbf")


def test_the_command_on_a_fresh_demo_site_exits_0(empty_site: str) -> None:
    assert CliRunner().invoke(cli, ["demo"]).exit_code == 0
    settings = Settings()
    with make_session_factory(make_engine(empty_site))() as session:
        load_bundled_data(settings, session)
    result = CliRunner().invoke(cli, ["inspect", "--json"])
    assert result.exit_code == 0, result.output
    rows = {r["indicator"]: r for r in json.loads(result.stdout)}
    assert rows["首页更新"]["passed"] and rows["空白栏目"]["evidence"] == []


def test_identity_marks_missing_in_production_are_named_each(
    site: tuple[FastAPI, TestClient, dict[str, str]], settings: Settings
) -> None:
    """#22: with the identity settings unset in production, the inspection names each one;
    a missing 网站标识码 or ICP备案号 fails a veto (never a start-up failure)."""
    app, _, _ = site
    unset = {"site_code": "", "icp_record": "", "psb_record": "", "site_contact": ""}
    production = settings.model_copy(update={"environment": "production", **unset})
    failed = _failed(_inspect(app, production))
    assert failed["网站标识：网站标识码、ICP备案号"] == (
        "网站标识码未设置（PUBLISHER_SITE_CODE）",
        "ICP备案号未设置（PUBLISHER_ICP_RECORD）",
    )
    assert set(failed["网站信息：主办单位、联系方式、公安备案号"]) == {
        "联系方式未设置（PUBLISHER_SITE_CONTACT）",
        "公安机关备案号未设置（PUBLISHER_PSB_RECORD）",
    }
    marked = production.model_copy(
        update={
            "site_code": "4112000001",
            "icp_record": "豫ICP备12345678号",
            "psb_record": "豫公网安备 41120202000123号",
            "site_contact": "0398-2800000",
        }
    )
    assert _failed(_inspect(app, marked)) == {}
