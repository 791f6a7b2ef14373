"""/sitemap.xml and /robots.txt (#22 item 3): every public page of a seeded site, with its last
change, valid against the sitemaps.org schemas (fixtures beside this file), a sitemap index
past the per-file limit (lowered here), and the staff and personal paths kept from crawlers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient
from lxml import etree
from sqlalchemy.orm import Session

from consultation.open_data import PUBLISHED_COMMENTS
from publisher.documents.store import load_bundled_data
from publisher.settings import Settings
from publisher.web.app import create_app
from tests.support.bodies import draft_body, notice_body
from tests.support.staff import StaffFixture
from tests.support.world import Clock, ok, plant_one_of_everything

HERE = Path(__file__).parent
NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def schema(name: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(HERE / name)))


def parse_valid(body: bytes, schema_file: str) -> etree._Element:
    document = etree.fromstring(body)
    validator = schema(schema_file)
    assert validator.validate(document), validator.error_log
    return document


@pytest.fixture
def site(
    settings: Settings, db: Session, staff: StaffFixture
) -> Iterator[tuple[TestClient, dict[str, object]]]:
    """A seeded site: the bundled gazette, a published notice and draft (with comments and an
    adoption summary), and a notice and a draft the public may not see yet."""
    load_bundled_data(settings, db)
    app = create_app(settings)
    clock = Clock()
    app.state.clock = clock
    with TestClient(app, base_url="http://testserver") as client:
        planted: dict[str, object] = dict(plant_one_of_everything(client, clock, staff))
        editor = staff.headers("editor")
        hidden_notice = ok(
            client.post("/api/v1/staff/meetings", json=notice_body(), headers=editor), 201
        )
        later = (clock.now + dt.timedelta(days=5)).isoformat()
        hidden_draft = ok(
            client.post(
                "/api/v1/staff/consultations",
                json=draft_body(
                    publish_at=later,
                    opens_at=later,
                    closes_at=(clock.now + dt.timedelta(days=20)).isoformat(),
                ),
                headers=editor,
            ),
            201,
        )
        planted["hidden"] = [
            f"/meetings/{hidden_notice['id']}",
            f"/consultations/{hidden_draft['id']}",
        ]
        yield client, planted
    app.state.engine.dispose()


def entries(document: etree._Element, tag: str) -> dict[str, str | None]:
    found: dict[str, str | None] = {}
    for node in document.findall(f"sm:{tag}", NS):
        loc = node.findtext("sm:loc", namespaces=NS)
        assert loc is not None and loc.startswith("http://testserver/")
        found[urlsplit(loc).path] = node.findtext("sm:lastmod", namespaces=NS)
    return found


def expected_paths(client: TestClient) -> set[str]:
    documents = ok(client.get("/api/v1/documents", params={"limit": 100}))
    datasets = ok(client.get("/api/v1/datasets", params={"limit": 100}))
    meetings = ok(client.get("/api/v1/meetings"))
    drafts = ok(client.get("/api/v1/consultations"))
    assert len(documents) == 14 and datasets and meetings and drafts
    return {
        "/",
        "/subscribe",
        "/meetings",
        "/consultations",
        "/datasets",
        "/documents",
        *(f"/documents/{d['id']}" for d in documents),
        *(f"/datasets/{d['id']}" for d in datasets),
        *(f"/meetings/{m['id']}" for m in meetings),
        *(f"/consultations/{d['id']}" for d in drafts),
    }


def test_the_sitemap_lists_every_public_page_with_its_last_change(
    site: tuple[TestClient, dict[str, object]],
) -> None:
    client, planted = site
    answer = client.get("/sitemap.xml")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("application/xml")
    assert answer.headers["cache-control"].startswith("public")
    listed = entries(parse_valid(answer.content, "sitemap.xsd"), "url")
    assert set(listed) == expected_paths(client)
    assert f"/meetings/{planted['meeting']}" in listed
    assert f"/consultations/{planted['draft']}" in listed
    for hidden in planted["hidden"]:  # type: ignore[attr-defined]
        assert hidden not in listed
    undated = {path for path, stamp in listed.items() if stamp is None}
    # a live table with no rows has no date yet: no comment has been published in full
    assert undated == {"/", "/subscribe", f"/datasets/{PUBLISHED_COMMENTS}"}
    # a draft's page changed when its adoption summary was published (after the draft itself)
    draft_stamp = dt.datetime.fromisoformat(str(listed[f"/consultations/{planted['draft']}"]))
    assert draft_stamp.utcoffset() == dt.timedelta(hours=8)
    assert draft_stamp.date() == dt.date(2026, 12, 8)
    for path in listed:
        assert client.get(path).status_code == 200, path


def test_past_the_limit_the_sitemap_is_an_index_of_valid_parts(
    site: tuple[TestClient, dict[str, object]],
) -> None:
    client, _ = site
    whole = entries(parse_valid(client.get("/sitemap.xml").content, "sitemap.xsd"), "url")
    client.app.state.sitemap_max_urls = 7  # type: ignore[attr-defined]
    index = parse_valid(client.get("/sitemap.xml").content, "siteindex.xsd")
    parts = entries(index, "sitemap")
    assert list(parts) == [f"/sitemap-{n}.xml" for n in range(1, -(-len(whole) // 7) + 1)]
    assert all(stamp for stamp in parts.values())
    seen: dict[str, str | None] = {}
    for path in parts:
        part = entries(parse_valid(client.get(path).content, "sitemap.xsd"), "url")
        assert 0 < len(part) <= 7
        seen.update(part)
    assert seen == whole
    missing = client.get(f"/sitemap-{len(parts) + 1}.xml")
    assert missing.status_code == 404


def test_robots_txt_points_at_the_sitemap_and_keeps_staff_out(app_client: TestClient) -> None:
    answer = app_client.get("/robots.txt")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/plain")
    lines = answer.text.splitlines()
    assert lines[0] == "User-agent: *"
    for path in ("/staff/", "/api/v1/staff/", "/care-mode"):
        assert f"Disallow: {path}" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    assert "Disallow: /" not in lines  # the public pages stay open


def test_the_sitemap_of_an_empty_site_is_still_valid(app_client: TestClient) -> None:
    listed = entries(parse_valid(app_client.get("/sitemap.xml").content, "sitemap.xsd"), "url")
    assert {"/", "/meetings", "/consultations", "/datasets", "/documents"} <= set(listed)
