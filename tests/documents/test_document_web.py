"""Document pages, API and the RSS feeds, over a database holding the bundled issue."""

from __future__ import annotations

import feedparser
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from publisher.documents.render import render_body_html
from publisher.documents.store import load_bundled_data
from publisher.settings import Settings
from tests.support.memory import page_and_sql


@pytest.fixture
def loaded(settings: Settings, db: Session, app_client: TestClient) -> TestClient:
    load_bundled_data(settings, db)
    return app_client


def test_documents_list_by_issue_and_section(loaded: TestClient) -> None:
    page = loaded.get("/documents")
    assert page.status_code == 200
    assert "三门峡市人民政府公报2019年第2号" in page.text
    for section in ("市政府文件", "市政府办公室文件", "政策解读"):
        assert f"<h3>{section}</h3>" in page.text
    assert page.text.count('href="/documents/2019-02-') == 14
    assert '<link rel="alternate" type="application/rss+xml"' in page.text


def test_document_page_with_related_links(loaded: TestClient) -> None:
    docs = loaded.get("/api/v1/documents").json()
    assert len(docs) == 14
    interpretation = next(d for d in docs if d["section"] == "政策解读")
    detail = loaded.get(f"/api/v1/documents/{interpretation['id']}").json()
    assert detail["related_documents"], detail["related_numbers"]
    page = loaded.get(f"/documents/{interpretation['id']}")
    assert page.status_code == 200
    assert f'href="/documents/{detail["related_documents"][0]}"' in page.text
    target = loaded.get(f"/documents/{detail['related_documents'][0]}")
    assert f'href="/documents/{interpretation["id"]}"' in target.text  # linked back


def test_document_with_table_renders_a_table(loaded: TestClient) -> None:
    docs = loaded.get("/api/v1/documents").json()
    heritage = next(d for d in docs if d["number"] == "三政〔2018〕30号")
    page = loaded.get(f"/documents/{heritage['id']}")
    assert '<th scope="col">项目名称</th>' in page.text
    assert "<td>武当壬九门武术</td>" in page.text


def test_api_filters_and_404(loaded: TestClient) -> None:
    only = loaded.get("/api/v1/documents", params={"section": "政策解读"}).json()
    assert only and {d["section"] for d in only} == {"政策解读"}
    missing = loaded.get("/api/v1/documents/1999-01-01")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
    page = loaded.get("/documents/1999-01-01")
    assert page.status_code == 404 and "text/html" in page.headers["content-type"]


def test_body_rendering_escapes_everything() -> None:
    html = render_body_html(
        "<script>alert(1)</script> 第一段\n\n- 项目 <b>\n- 第二项\n\n"
        "| a | <i> |\n| --- | --- |\n| 1 | & |"
    )
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<ul><li>项目 &lt;b&gt;</li><li>第二项</li></ul>" in html
    assert '<th scope="col">&lt;i&gt;</th>' in html and "<td>&amp;</td>" in html


def test_documents_feed(loaded: TestClient) -> None:
    response = loaded.get("/feeds/documents.rss")
    assert response.headers["content-type"].startswith("application/rss+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    assert len(feed.entries) == 14
    assert all(e.link.startswith("http://testserver/documents/2019-02-") for e in feed.entries)
    assert all(e.id.startswith("tag:smx.gov.cn,2026:document/") for e in feed.entries)
    again = loaded.get("/feeds/documents.rss", headers={"If-None-Match": response.headers["etag"]})
    assert again.status_code == 304


def test_documents_feed_filters(loaded: TestClient) -> None:
    section = feedparser.parse(loaded.get("/feeds/documents.rss?section=政策解读").content)
    assert not section.bozo and section.entries
    assert all(e.tags[0].term == "政策解读" for e in section.entries)
    issuer = "三门峡市人民政府办公室"
    by_issuer = feedparser.parse(
        loaded.get("/feeds/documents.rss", params={"issuer": issuer}).content
    )
    assert not by_issuer.bozo and 0 < len(by_issuer.entries) < 14


def test_an_empty_selection_is_as_new_as_the_feed_it_selects_from(loaded: TestClient) -> None:
    """Issue #18: an empty filtered feed claimed `updated 2000-01-01`, a date nothing happened."""
    whole = feedparser.parse(loaded.get("/feeds/documents.atom").content)
    empty = feedparser.parse(
        loaded.get("/feeds/documents.atom", params={"issuer": "没有这个机关"}).content
    )
    assert not empty.bozo and empty.entries == []
    assert empty.feed.updated == whole.feed.updated == max(e.updated for e in whole.entries)
    assert not empty.feed.updated.startswith("2000")


def test_no_entry_repeats_an_id_or_a_revision(loaded: TestClient) -> None:
    """RFC 4287 §4.1.1: entries with one atom:id are one entry, and their atom:updated SHOULD
    differ (what the W3C validator's DuplicateUpdated warns of). Different documents of one
    gazette issue share their true publication instant, which is not a repeat (docs/feeds.md)."""
    for name in ("documents", "datasets"):
        entries = feedparser.parse(loaded.get(f"/feeds/{name}.atom").content).entries
        ids = [e.id for e in entries]
        assert len(set(ids)) == len(ids) == len({(e.id, e.updated) for e in entries})


def test_datasets_feed(loaded: TestClient) -> None:
    feed = feedparser.parse(loaded.get("/feeds/datasets.rss").content)
    assert not feed.bozo, feed.get("bozo_exception")
    # the package's six, and the documents' disclosure table: its rows (the loaded gazette)
    # give it a date; the other live tables have no rows yet, so nothing to announce
    assert len(feed.entries) == 7
    assert {e.link.rsplit("/", 1)[-1] for e in feed.entries} >= {
        "historic-buildings",
        "gazette-document-disclosure",
    }


def test_documents_and_datasets_lists_are_paged(loaded: TestClient) -> None:
    """Issue #18: every API list is paged with `Link` and `X-Total-Count`."""
    everything = loaded.get("/api/v1/documents", params={"per_page": 500})
    total = int(everything.headers["X-Total-Count"])
    assert total == len(everything.json()) > 3
    first = loaded.get("/api/v1/documents", params={"per_page": 2})
    second = loaded.get("/api/v1/documents", params={"per_page": 2, "page": 2})
    assert [d["id"] for d in first.json() + second.json()] == [
        d["id"] for d in everything.json()[:4]
    ]
    assert 'rel="next"' in first.headers["Link"] and 'rel="prev"' in second.headers["Link"]
    only = loaded.get("/api/v1/documents", params={"section": "政策解读", "per_page": 1})
    assert "section=" in only.headers["Link"] and len(only.json()) == 1

    datasets = loaded.get("/api/v1/datasets")
    count = int(datasets.headers["X-Total-Count"])
    assert count == len(datasets.json()) >= 2
    live = loaded.get("/api/v1/datasets", params={"kind": "live"}).json()
    assert live and all(d["kind"] == "live" for d in live)
    one = loaded.get("/api/v1/datasets", params={"per_page": 1, "page": 2})
    assert one.json() == [datasets.json()[1]]


def test_the_documents_list_is_kept_until_an_ingestion_changes_it(
    settings: Settings, db: Session, app_client: TestClient
) -> None:
    """The whole archive on one page (#15): kept in memory, a hit runs no SQL; an issue
    ingested (in this process, or another within the check interval) shows at once."""
    empty, _ = page_and_sql(app_client, "/documents")
    assert 'href="/documents/2019-02-' not in empty.text
    assert page_and_sql(app_client, "/documents")[1] == []
    load_bundled_data(settings, db)
    loaded, built = page_and_sql(app_client, "/documents")
    assert built and loaded.text.count('href="/documents/2019-02-') == 14
    again, seen = page_and_sql(app_client, "/documents")
    assert seen == [] and again.text == loaded.text
