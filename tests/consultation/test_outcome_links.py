"""The decision's outcome, linked (#22 item 7, 第七条): staff link a closed consultation to the
decision as issued and its 政策解读; the page, the adoption summary, the feed entry and the
open data carry the links; the gazette document links back; a refusal writes nothing."""

from __future__ import annotations

import re
from collections.abc import Iterator

import feedparser
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from consultation.models import OutcomeLink
from publisher.documents.store import load_bundled_data
from publisher.settings import Settings
from publisher.web.app import create_app
from tests.opendata.test_live_tables import publish_summary
from tests.support.bodies import open_consultation
from tests.support.clock import Clock, local
from tests.support.staff import StaffFixture, sign_in

BASE = "http://testserver"


@pytest.fixture
def world(settings: Settings) -> Iterator[tuple[TestClient, Clock]]:
    app = create_app(settings)
    clock = Clock(local(2026, 11, 23, 9, 0))
    app.state.clock = clock
    with TestClient(app, base_url=BASE) as client:
        with app.state.session_factory() as session:
            load_bundled_data(settings, session)
        yield client, clock
    app.state.engine.dispose()


def _documents(client: TestClient) -> tuple[dict[str, str], dict[str, str]]:
    """A city-government document as the decision, and a 政策解读 of the gazette."""
    docs = client.get("/api/v1/documents?limit=100").json()
    decision = next(d for d in docs if d["section"] == "市政府文件")
    interpretation = next(d for d in docs if d["section"] == "政策解读")
    return decision, interpretation


def _link(client: TestClient, draft_id: int, csrf: str, **fields: str) -> str:
    response = client.post(
        f"/staff/consultations/{draft_id}/outcome",
        data={"csrf_token": csrf, **fields},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return str(response.headers["location"])


def test_a_linked_outcome_shows_on_the_page_summary_feed_open_data_and_the_document(
    world: tuple[TestClient, Clock], staff: StaffFixture
) -> None:
    client, clock = world
    draft_id = publish_summary(client, clock, staff)
    decision, interpretation = _documents(client)
    csrf = sign_in(client, "reviewer")
    _link(client, draft_id, csrf, role="decision", source="document", document_id=decision["id"])
    _link(
        client,
        draft_id,
        csrf,
        role="interpretation",
        source="document",
        document_id=interpretation["id"],
    )

    page = client.get(f"/consultations/{draft_id}").text
    summary = page[page.index('id="h-summary"') :]
    for doc in (decision, interpretation):
        assert f'<a href="/documents/{doc["id"]}">{doc["title"]}</a>' in summary
    assert "正式发布的决策：" in summary and "政策解读：" in summary

    api = client.get(f"/api/v1/consultations/{draft_id}").json()
    assert [(o["role"], o["url"]) for o in api["outcomes"]] == [
        ("decision", f"/documents/{decision['id']}"),
        ("interpretation", f"/documents/{interpretation['id']}"),
    ]

    feed = feedparser.parse(client.get("/feeds/consultations.atom").content)
    by_title = {e.title: e for e in feed.entries}
    decided = by_title[f"【正式发布的决策】{decision['title']}"]
    assert decided.link == f"{BASE}/documents/{decision['id']}"
    assert f"{BASE}/consultations/{draft_id}" in decided.summary
    summary_entry = next(e for t, e in by_title.items() if t.startswith("【意见采纳情况】"))
    assert f"{BASE}/documents/{interpretation['id']}" in summary_entry.summary

    rows = client.get("/datasets/consultation-adoption-summaries.json").json()
    row = next(r for r in rows if r["consultation_id"] == draft_id)
    assert row["decision"] == decision["title"]
    assert row["decision_url"] == f"/documents/{decision['id']}"
    assert row["interpretation_url"] == f"/documents/{interpretation['id']}"

    back = client.get(f"/documents/{decision['id']}").text
    assert "本文件为以下决策草案公开征求意见后正式发布的决策" in back
    assert f'<a href="/consultations/{draft_id}">三门峡市城区停车管理办法（征求意见稿）</a>' in back


def test_an_attachment_of_the_draft_can_be_the_decision_and_linking_again_replaces(
    world: tuple[TestClient, Clock], staff: StaffFixture
) -> None:
    client, clock = world
    draft_id = publish_summary(client, clock, staff)
    pdf = (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    )
    uploaded = client.post(
        f"/api/v1/staff/consultations/{draft_id}/attachments",
        data={"title": "三门峡市城区停车管理办法（正式印发）"},
        files={"file": ("decision.pdf", pdf, "application/pdf")},
        headers=staff.headers("editor"),
    )
    assert uploaded.status_code == 201, uploaded.text
    attachment = uploaded.json()["id"]
    csrf = sign_in(client, "reviewer")
    decision, _ = _documents(client)
    _link(client, draft_id, csrf, role="decision", source="document", document_id=decision["id"])
    _link(
        client, draft_id, csrf, role="decision", source="attachment", attachment_id=str(attachment)
    )
    page = client.get(f"/consultations/{draft_id}").text
    href = f"/consultations/{draft_id}/attachments/{attachment}"
    assert f'正式发布的决策：<a href="{href}">三门峡市城区停车管理办法（正式印发）</a>' in page
    assert (
        f'href="/consultations/{draft_id}"' not in client.get(f"/documents/{decision['id']}").text
    )
    with client.app.state.session_factory() as session:  # type: ignore[attr-defined]
        assert session.scalar(select(func.count()).select_from(OutcomeLink)) == 1


def test_refusals_write_nothing_and_say_why(
    world: tuple[TestClient, Clock], staff: StaffFixture
) -> None:
    client, clock = world
    draft_id = open_consultation(client, staff.headers("editor"))
    other = open_consultation(client, staff.headers("editor"), title="另一份草案")
    decision, _ = _documents(client)
    csrf = sign_in(client, "reviewer")
    url = f"/staff/consultations/{draft_id}/outcome"
    still_open = client.post(
        url,
        data={"csrf_token": csrf, "role": "decision", "document_id": decision["id"]},
    )
    assert still_open.status_code == 409
    assert "征求意见尚未截止" in still_open.text
    clock.set(2026, 12, 8, 9, 0)
    for fields, words in (
        ({"document_id": "1999-01-01"}, "没有编号为 1999-01-01 的公报文件"),
        ({"source": "attachment"}, "二者选其一"),
        ({"source": "attachment", "attachment_id": "999"}, "所选附件不属于本草案"),
    ):
        refused = client.post(url, data={"csrf_token": csrf, "role": "decision", **fields})
        assert refused.status_code == 422, fields
        assert words in refused.text
    client.cookies.clear()
    editor_csrf = sign_in(client, "editor")
    forbidden = client.post(
        f"/staff/consultations/{other}/outcome",
        data={"csrf_token": editor_csrf, "role": "decision", "document_id": decision["id"]},
    )
    assert forbidden.status_code == 403
    with client.app.state.session_factory() as session:  # type: ignore[attr-defined]
        assert session.scalar(select(func.count()).select_from(OutcomeLink)) == 0
    assert re.search("正式发布的决策", client.get(f"/consultations/{draft_id}").text) is None
