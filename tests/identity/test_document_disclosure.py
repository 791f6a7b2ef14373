"""Gazette documents in the 政府信息公开 form (#22 item 4): the metadata block on the page and
in the API, and staff marking a document 已废止/已修改 (a refusal writes nothing; a re-ingest
keeps what staff set)."""

from __future__ import annotations

import csv
import html
import io
import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from publisher.documents.open_data import DISCLOSURE
from publisher.documents.store import load_bundled_data
from publisher.settings import Settings
from publisher.web.app import create_app
from tests.support.staff import StaffFixture, sign_in

HERITAGE = "三政〔2018〕30号"
LABELS = ("索引号", "主题分类", "发文机关", "成文日期", "文号", "发布日期", "有效性")


@pytest.fixture
def client(settings: Settings, db: Session) -> Iterator[TestClient]:
    load_bundled_data(settings, db)
    app = create_app(settings.model_copy(update={"organisation_code": "11411200MB0000000X"}))
    with TestClient(app, base_url="http://testserver") as test_client:
        yield test_client
    app.state.engine.dispose()


def heritage(client: TestClient) -> dict[str, object]:
    docs = client.get("/api/v1/documents", params={"limit": 100}).json()
    found: dict[str, object] = next(d for d in docs if d["number"] == HERITAGE)
    return found


def metadata(page_html: str) -> dict[str, str]:
    block = re.search(r'<table class="disclosure-meta">(.*?)</table>', page_html, re.S)
    assert block, "no 政府信息公开 metadata block"
    cells = re.findall(r'<th scope="row">(.*?)</th><td[^>]*>(.*?)</td>', block.group(1), re.S)
    return {k: html.unescape(re.sub(r"<[^>]+>", "", v)).strip() for k, v in cells}


def test_a_document_page_opens_with_the_metadata_block(client: TestClient) -> None:
    doc = heritage(client)
    shown = metadata(client.get(f"/documents/{doc['id']}").text)
    assert tuple(shown) == LABELS
    assert shown["索引号"] == f"11411200MB0000000X/2019-02{doc['position']:03d}"
    assert shown["文号"] == HERITAGE
    assert shown["发文机关"] == doc["issuer"] and shown["发文机关"]
    assert re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日", shown["成文日期"])
    assert re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日", shown["发布日期"])
    assert shown["有效性"] == "有效" and shown["主题分类"] == "—"
    assert doc["index_number"] == shown["索引号"]
    assert doc["validity"] == "effective" and doc["validity_zh"] == "有效"
    assert doc["published_on"] and doc["topic"] is None


def test_staff_mark_a_document_repealed_and_a_refusal_writes_nothing(
    client: TestClient, staff: StaffFixture, settings: Settings, db: Session
) -> None:
    doc = heritage(client)
    path = f"/api/v1/staff/documents/{doc['id']}/status"
    editor = staff.headers("editor")
    no_note = client.post(path, json={"validity": "repealed"}, headers=editor)
    assert no_note.status_code == 422 and "写明" in no_note.json()["error"]["message_zh"]
    bad_topic = client.post(path, json={"topic": "天气", "note": ""}, headers=editor)
    assert bad_topic.status_code == 422
    assert metadata(client.get(f"/documents/{doc['id']}").text)["有效性"] == "有效"

    done = client.post(
        path,
        json={
            "topic": "文化、广电、新闻出版",
            "validity": "repealed",
            "note": "已被三政〔2020〕5号废止",
        },
        headers=editor,
    )
    assert done.status_code == 200, done.text
    assert done.json()["validity"] == "repealed" and done.json()["validity_zh"] == "已废止"
    shown = metadata(client.get(f"/documents/{doc['id']}").text)
    assert shown["有效性"] == "已废止（已被三政〔2020〕5号废止）"
    assert shown["主题分类"] == "文化、广电、新闻出版"
    audit = client.get("/api/v1/staff/audit", headers=staff.headers("admin")).text
    assert "document.status" in audit

    load_bundled_data(settings, db)  # the gazette ingested again keeps what staff set
    db.commit()
    assert heritage(client)["validity"] == "repealed"


def test_the_staff_page_sets_the_status_with_csrf(client: TestClient, staff: StaffFixture) -> None:
    doc = heritage(client)
    csrf = sign_in(client, "editor")
    listing = client.get("/staff/documents")
    assert listing.status_code == 200 and f'href="/staff/documents/{doc["id"]}"' in listing.text
    page = client.get(f"/staff/documents/{doc['id']}")
    assert page.status_code == 200 and "主题分类" in page.text and "已修改" in page.text
    path = f"/staff/documents/{doc['id']}"
    assert client.post(path, data={"validity": "amended"}).status_code == 403  # no CSRF
    refused = client.post(path, data={"validity": "amended", "csrf_token": csrf})
    assert refused.status_code == 422 and "写明" in refused.text
    saved = client.post(
        path,
        data={"validity": "amended", "note": "第三条已被修改", "csrf_token": csrf},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    assert heritage(client)["validity"] == "amended"
    assert client.get("/documents/missing-doc").status_code == 404
    assert client.get("/staff/documents/missing-doc").status_code == 404


def test_the_dataset_and_dcat_carry_the_same_fields(
    client: TestClient, staff: StaffFixture
) -> None:
    doc = heritage(client)
    client.post(
        f"/api/v1/staff/documents/{doc['id']}/status",
        json={"topic": "文化、广电、新闻出版", "validity": "amended", "note": "第二条已修改"},
        headers=staff.headers("editor"),
    )
    rows = list(csv.DictReader(io.StringIO(client.get(f"/datasets/{DISCLOSURE}.csv").text)))
    assert len(rows) == 14
    row = next(r for r in rows if r["id"] == doc["id"])
    assert str(doc["index_number"]).endswith("/" + row["index_serial"])
    assert (row["number"], row["topic"], row["validity"], row["validity_zh"]) == (
        HERITAGE,
        "文化、广电、新闻出版",
        "amended",
        "已修改",
    )
    assert row["validity_note"] == "第二条已修改" and row["issuer"] == doc["issuer"]
    assert row["written_on"] == doc["date"] and row["published_on"] == doc["published_on"]
    catalogue = client.get("/catalog.jsonld").text
    assert f"/datasets/{DISCLOSURE}" in catalogue and "有效性" in catalogue
