"""The site's search on both databases, through the real API, the real segmenter and the real
use cases: words found, numbers typed loosely found, refusals index nothing, exact titles rank
first, and no personal data is ever found or shown."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from publisher.search.models import SearchEntry
from publisher.settings import Settings
from publisher.timeutil import LOCAL_TZ
from tests.support.bodies import draft_body, notice_body
from tests.support.staff import StaffFixture
from tests.support.world import MARKERS, START, Clock, ok, plant_one_of_everything


@pytest.fixture
def world(settings: Settings) -> Iterator[tuple[TestClient, FastAPI, Clock]]:
    from publisher.web.app import create_app

    app = create_app(settings)
    clock = Clock()
    app.state.clock = clock
    with TestClient(app, base_url="http://testserver") as client:
        yield client, app, clock
    app.state.engine.dispose()


def _search(client: TestClient, q: str, **filters: Any) -> list[dict[str, Any]]:
    hits: list[dict[str, Any]] = ok(client.get("/api/v1/search", params={"q": q, **filters}))
    return hits


def _publish_notice(client: TestClient, staff: StaffFixture, **fields: Any) -> int:
    editor = staff.headers("editor")
    meeting = ok(
        client.post("/api/v1/staff/meetings", json=notice_body(**fields), headers=editor), 201
    )
    ok(
        client.post(
            f"/api/v1/staff/meetings/{meeting['id']}/publish",
            json={"publication_at": START.isoformat()},
            headers=editor,
        )
    )
    return int(meeting["id"])


def test_a_two_character_word_inside_longer_words_is_found(
    world: tuple[TestClient, FastAPI, Clock], staff: StaffFixture
) -> None:
    client, _, _ = world
    meeting = _publish_notice(
        client,
        staff,
        title="市政府常务会议",
        agenda="一、审议《三门峡市养老服务体系建设方案》\n二、召开价格听证会的安排",
    )
    for word in ("听证", "养老"):
        hits = _search(client, word)
        assert [(h["kind"], h["id"]) for h in hits] == [("meeting", str(meeting))], word
        assert f"<mark>{word}</mark>" in hits[0]["snippet_html"]
    assert _search(client, "听证会")[0]["id"] == str(meeting)
    assert _search(client, "殡葬") == []


@pytest.mark.parametrize(
    "typed",
    ["三政办2018 45号", "三政办〔2018〕45号", "三政办[2018]45号", "三政办（2018）45 号"],
)
def test_a_document_number_typed_loosely_is_found(
    world: tuple[TestClient, FastAPI, Clock], staff: StaffFixture, typed: str
) -> None:
    client, _, _ = world
    meeting = _publish_notice(
        client, staff, agenda="依据《三门峡市政府重大会议预公开制度》（三政办〔2018〕45号）召开。"
    )
    _publish_notice(client, staff, title="另一次会议", agenda="依据三政办〔2018〕44号文件召开。")
    hits = _search(client, typed)
    assert [h["id"] for h in hits] == [str(meeting)]
    assert "<mark>三政办〔2018〕45号</mark>" in hits[0]["snippet_html"]


def test_a_refused_write_indexes_nothing(
    world: tuple[TestClient, FastAPI, Clock], staff: StaffFixture
) -> None:
    client, app, _ = world
    editor = staff.headers("editor")
    # a draft whose window is shorter than the rule allows is refused inside its unit
    refused = client.post(
        "/api/v1/staff/consultations",
        json=draft_body(
            title="殡葬改革听证方案",
            closes_at=dt.datetime(2026, 11, 24, 0, 0, tzinfo=LOCAL_TZ).isoformat(),
        ),
        headers=editor,
    )
    assert refused.status_code == 422, refused.text
    with app.state.session_factory() as session:
        assert session.scalar(select(func.count()).select_from(SearchEntry)) == 0
    assert _search(client, "殡葬") == []
    # the same draft, valid, is found at once: the index was written with it
    ok(
        client.post(
            "/api/v1/staff/consultations", json=draft_body(title="殡葬改革听证方案"), headers=editor
        ),
        201,
    )
    assert [h["title"] for h in _search(client, "殡葬")] == ["殡葬改革听证方案"]


def test_the_exact_title_ranks_first_and_filters_apply(
    world: tuple[TestClient, FastAPI, Clock], staff: StaffFixture
) -> None:
    client, _, clock = world
    editor = staff.headers("editor")
    for title, agenda in [
        ("关于停车收费的说明", "停车管理办法 停车管理办法 停车管理办法 城区停车管理办法"),
        ("城区停车管理办法", "审议。"),
    ]:
        _publish_notice(client, staff, title=title, agenda=agenda)
    ok(client.post("/api/v1/staff/consultations", json=draft_body(), headers=editor), 201)
    hits = _search(client, "城区停车管理办法")
    assert hits[0]["title"] == "城区停车管理办法"
    assert {h["kind"] for h in hits} == {"meeting", "consultation"}
    assert [h["kind"] for h in _search(client, "停车", kind="consultation")] == ["consultation"]
    assert [h["department"] for h in _search(client, "停车", department="市城市管理局")] == [
        "市城市管理局"
    ]
    clock.now = dt.datetime(2026, 11, 25, 9, 0, tzinfo=LOCAL_TZ)
    open_now = _search(client, "停车", status="open")
    assert [h["kind"] for h in open_now] == ["consultation"]
    assert open_now[0]["phase_zh"] == "正在征求意见"
    assert {h["kind"] for h in _search(client, "停车", status="upcoming")} == {"meeting"}
    assert _search(client, "停车", date_from="2026-12-08") == []


def test_bad_input_is_refused_in_english_and_chinese(
    world: tuple[TestClient, FastAPI, Clock],
) -> None:
    client, _, _ = world
    for params in (
        {"q": "  "},
        {"q": "，。！"},
        {"q": "听证" * 60},
        {"q": "听证", "kind": "people"},
        {"q": "听证", "date_from": "2026-12-08", "date_to": "2026-12-01"},
    ):
        response = client.get("/api/v1/search", params=params)
        assert response.status_code == 422, params
        error = response.json()["error"]
        assert error["message"] and error["message_zh"], params
    page = client.get("/search", params={"q": "，。"})
    assert page.status_code == 422 and "没有可查找的词语" in page.text


def test_no_personal_data_is_indexed_or_shown(
    world: tuple[TestClient, FastAPI, Clock], staff: StaffFixture
) -> None:
    client, app, clock = world
    plant_one_of_everything(client, clock, staff)
    for marker in MARKERS.values():
        assert _search(client, marker) == [], marker
    with app.state.session_factory() as session:
        bodies = " ".join(session.scalars(select(SearchEntry.body)))
    assert "停车" in bodies  # the planted consultation is indexed, summary included
    for marker in MARKERS.values():
        assert marker not in bodies
    shown = client.get("/search", params={"q": "停车"}).text
    assert "停车" in shown
    for marker in MARKERS.values():
        assert marker not in shown


def test_reindex_finds_what_was_stored_and_drops_what_is_gone(
    world: tuple[TestClient, FastAPI, Clock], staff: StaffFixture, settings: Settings
) -> None:
    from publisher.documents.store import load_bundled_data
    from publisher.search.index import reindex, remove
    from publisher.storage.db import write_unit
    from publisher.wiring import search_sources

    client, app, _ = world
    with app.state.session_factory() as session:
        load_bundled_data(settings, session)  # stored through the ORM: indexed as stored
    hits = _search(client, "三政办2018 45号", kind="document")
    assert hits and hits[0]["url"].startswith("/documents/")
    with app.state.session_factory() as session, write_unit(session):
        for kind in ("document", "dataset"):
            keys = list(session.scalars(select(SearchEntry.key).where(SearchEntry.kind == kind)))
            remove(session.connection(), kind, keys)
    assert _search(client, "非物质文化遗产") == []
    with app.state.session_factory() as session, write_unit(session):
        counts = reindex(session, search_sources(settings.datasets_dir))
    assert counts["document"] >= 10 and counts["dataset"] >= 4
    kinds = {h["kind"] for h in _search(client, "非物质文化遗产", per_page=50)}
    assert {"document", "dataset"} <= kinds


def test_the_results_page_keeps_the_query_and_filters_from_page_to_page(
    world: tuple[TestClient, FastAPI, Clock], staff: StaffFixture
) -> None:
    client, _, _ = world
    for n in range(22):
        _publish_notice(client, staff, title=f"停车工作会议第{n + 1}次")
    first = client.get("/search", params={"q": "停车", "kind": "meeting"})
    assert first.status_code == 200 and "第 1 / 2 页" in first.text
    assert 'href="?q=%E5%81%9C%E8%BD%A6&amp;kind=meeting&amp;' in first.text
    second = client.get("/search", params={"q": "停车", "kind": "meeting", "page": 2})
    assert "第 2 / 2 页" in second.text and 'rel="prev"' in second.text
    assert "工作会议第" in second.text  # the last two hits (the word itself is highlighted)
