"""Live tables in the one catalogue: the adoption summaries on every listing, as a download,
and in the same set of datasets as the CKAN push — served by the real app on both backends."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import feedparser
import pytest
import rdflib
from fastapi.testclient import TestClient
from rdflib.namespace import DCAT, DCTERMS, RDF, XSD

from consultation.open_data import ADOPTION_SUMMARIES, ADOPTION_SUMMARIES_TABLE, PUBLISHED_COMMENTS
from feeds.cache import MIN_GZIP_BYTES
from publisher.ckan.sources import collect_local_datasets
from publisher.documents.open_data import DISCLOSURE
from publisher.meetings.open_data import MEETING_AGENDA
from publisher.settings import PROJECT_ROOT, Settings
from publisher.web.app import create_app
from publisher.wiring import open_data_tables
from tests.opendata.test_downloads import NAMES
from tests.support.bodies import comment_body, open_consultation
from tests.support.clock import Clock, local
from tests.support.staff import StaffFixture

BASE = "http://testserver"
LIVE = f"/datasets/{ADOPTION_SUMMARIES}"
FIELDS = [f.name for f in ADOPTION_SUMMARIES_TABLE.fields]
FRICTIONLESS = PROJECT_ROOT / ".venv" / "bin" / "frictionless"


@pytest.fixture
def world(settings: Settings) -> Iterator[tuple[TestClient, Clock]]:
    app = create_app(settings)
    clock = Clock(local(2026, 11, 23, 9, 0))
    app.state.clock = clock
    with TestClient(app, base_url=BASE) as client:
        yield client, clock
    app.state.engine.dispose()


def publish_summary(
    client: TestClient,
    clock: Clock,
    staff: StaffFixture,
    title: str = "三门峡市城区停车管理办法（征求意见稿）",
    comment: str = "建议增设车位。",
    day: int = 8,
) -> int:
    """A consultation with one consenting comment, answered, and its summary published on
    2026-12-``day`` 09:00 Beijing time, all through the public and staff APIs."""
    clock.set(2026, 11, 23, 9, 0)
    editor = staff.headers("editor")
    draft_id = open_consultation(client, editor, title=title)
    posted = client.post(
        f"/api/v1/consultations/{draft_id}/comments",
        json=comment_body(text=comment, consent_publish=True),
    )
    assert posted.status_code == 201, posted.text
    queue = client.get(f"/api/v1/staff/consultations/{draft_id}/comments", headers=editor)
    answered = client.post(
        f"/api/v1/staff/consultations/{draft_id}/answers",
        json={
            "comment_ids": [c["id"] for c in queue.json()],
            "disposition": "adopted",
            "reason": "已采纳，在第二条中增加。",
        },
        headers=editor,
    )
    assert answered.status_code == 200, answered.text
    clock.set(2026, 12, day, 9, 0)  # the window has closed
    summary = client.post(
        f"/api/v1/staff/consultations/{draft_id}/summary",
        json={"outcome_text": "办法已修改后印发。"},
        headers=staff.headers("reviewer"),
    )
    assert summary.status_code == 200, summary.text
    return draft_id


def dcat_names(client: TestClient) -> list[str]:
    graph = rdflib.Graph().parse(data=client.get("/catalog.jsonld").text, format="json-ld")
    datasets = graph.subjects(RDF.type, DCAT.Dataset)
    return sorted(str(graph.value(d, DCTERMS.identifier)) for d in datasets)


def listed_names(client: TestClient) -> dict[str, list[str]]:
    """The dataset names every public listing shows, and the CKAN push would send."""
    page = client.get("/datasets").text
    feed = feedparser.parse(client.get("/feeds/datasets.atom").content)
    with client.app.state.session_factory() as session:  # type: ignore[attr-defined]
        settings = client.app.state.settings  # type: ignore[attr-defined]
        pushed = collect_local_datasets(settings, session, open_data_tables())
    return {
        "page": sorted(re.findall(r'<h2><a href="/datasets/([^"]+)"', page)),
        "api": sorted(d["id"] for d in client.get("/api/v1/datasets").json()),
        "dcat": dcat_names(client),
        "feed": sorted(e.link.removeprefix(f"{BASE}/datasets/") for e in feed.entries),
        "ckan": sorted(d.name for d in pushed),
    }


def test_an_empty_live_table_is_listed_with_no_rows_and_no_dates(world: Any) -> None:
    client, _ = world
    meta = client.get(f"/api/v1{LIVE}").json()
    assert (meta["kind"], meta["row_count"]) == ("live", 0)
    assert meta["issued"] is None and meta["modified"] is None
    assert meta["source"] == "三政办〔2018〕45号 第七条" and meta["source_numbers"] == []
    assert meta["primary_key"] == ["consultation_id", "comment_number"]
    assert [f["field"] for f in meta["fields"]] == FIELDS
    assert client.get(f"{LIVE}.csv").content == (",".join(FIELDS) + "\r\n").encode()
    assert client.get(f"{LIVE}.json").json() == []
    page = client.get(LIVE)
    assert page.status_code == 200 and "尚无记录" in page.text
    assert "三政办〔2018〕45号 第七条" in page.text
    names = listed_names(client)
    expected = sorted([*NAMES, DISCLOSURE, MEETING_AGENDA, ADOPTION_SUMMARIES, PUBLISHED_COMMENTS])
    assert names["page"] == names["api"] == names["dcat"] == names["ckan"] == expected
    assert names["feed"] == sorted(NAMES)  # nothing published yet: nothing to announce


def test_a_published_summary_reaches_every_listing(world: Any, staff: StaffFixture) -> None:
    client, clock = world
    publish_summary(client, clock, staff)

    names = listed_names(client)
    expected = sorted([*NAMES, DISCLOSURE, MEETING_AGENDA, ADOPTION_SUMMARIES, PUBLISHED_COMMENTS])
    # one catalogue, everywhere; the feed announces only what has a date (no document stored,
    # no meeting notice public, no comment published in full)
    announced = sorted([*NAMES, ADOPTION_SUMMARIES])
    assert names == {key: announced if key == "feed" else expected for key in names}

    listing = client.get("/datasets").text
    assert f'href="{LIVE}"' in listing and f'href="{LIVE}.csv"' in listing
    meta = next(d for d in client.get("/api/v1/datasets").json() if d["id"] == ADOPTION_SUMMARIES)
    assert meta["row_count"] == 1
    assert meta["issued"] == meta["modified"] == "2026-12-08"  # the summary's day, Beijing time
    csv_body = client.get(f"{LIVE}.csv").content
    assert meta["downloads"][0]["bytes"] == len(csv_body)

    graph = rdflib.Graph().parse(data=client.get("/catalog.jsonld").text, format="json-ld")
    node = rdflib.URIRef(f"{BASE}{LIVE}")
    issued = graph.value(node, DCTERMS.issued)
    assert isinstance(issued, rdflib.Literal) and issued.datatype == XSD.date
    assert str(issued) == "2026-12-08"
    csv_dist = next(
        d
        for d in graph.objects(node, DCAT.distribution)
        if graph.value(d, DCAT.downloadURL) == rdflib.URIRef(f"{BASE}{LIVE}.csv")
    )
    assert int(str(graph.value(csv_dist, DCAT.byteSize))) == len(csv_body)

    feed = feedparser.parse(client.get("/feeds/datasets.rss").content)
    entry = next(e for e in feed.entries if e.link == f"{BASE}{LIVE}")
    assert entry.title == "重大行政决策公开征求意见采纳情况" and "1 条记录" in entry.summary
    assert entry.id.endswith(f"dataset/{ADOPTION_SUMMARIES}/rev/1")

    page = client.get(LIVE).text
    assert "建议增设车位。" in page and "2026年12月8日" in page


def test_live_downloads_are_typed_cached_and_follow_the_rows(
    world: Any, staff: StaffFixture, tmp_path: Path
) -> None:
    client, clock = world
    first = publish_summary(client, clock, staff, "第一个办法（征求意见稿）", "第一条意见。")

    response = client.get(f"{LIVE}.csv")
    assert response.headers["content-type"].startswith("text/csv; charset=utf-8")
    assert response.headers["content-disposition"] == (
        f'attachment; filename="{ADOPTION_SUMMARIES}.csv"'
    )
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8"), newline="")))
    assert list(rows[0]) == FIELDS and len(rows) == 1
    assert rows[0]["consultation_id"] == str(first) and rows[0]["disposition_zh"] == "采纳"
    bom = client.get(f"{LIVE}.csv?bom=1")
    assert bom.content == b"\xef\xbb\xbf" + response.content
    assert bom.headers["etag"] != response.headers["etag"]

    (row,) = client.get(f"{LIVE}.json").json()
    assert row["consultation_id"] == first and row["comment_number"] == 1  # integers
    assert row["comments_total"] == 1 and row["comment_text"] == "第一条意见。"
    assert row["summary_published_at"].startswith("2026-12-08T01:00:00")

    # the CSV and its Table Schema agree, as frictionless checks the package's files
    (tmp_path / "live.csv").write_bytes(response.content)
    meta = client.get(f"/api/v1{LIVE}").json()
    descriptor = {"name": "live", "path": "live.csv", "schema": meta["table_schema"]}
    (tmp_path / "resource.json").write_text(json.dumps(descriptor), encoding="utf-8")
    proc = subprocess.run(
        [str(FRICTIONLESS), "validate", "--json", "resource.json"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=300,
        check=False,
    )
    assert json.loads(proc.stdout)["valid"], proc.stdout

    # ETag/304 like any download, until the rows change
    for path in (f"{LIVE}.csv", f"{LIVE}.json", "/catalog.jsonld", "/feeds/datasets.atom"):
        etag = client.get(path).headers["etag"]
        again = client.get(path, headers={"If-None-Match": etag})
        assert again.status_code == 304 and again.content == b"", path
    etags = {p: client.get(p).headers["etag"] for p in (f"{LIVE}.csv", "/catalog.jsonld")}
    zipped = client.get(f"{LIVE}.csv", headers={"Accept-Encoding": "gzip"})
    # bodies under MIN_GZIP_BYTES are not worth an encoding; larger ones are gzip
    expected = "gzip" if len(response.content) >= MIN_GZIP_BYTES else None
    assert zipped.headers.get("content-encoding") == expected
    assert zipped.content == response.content

    second = publish_summary(client, clock, staff, "第二个办法（征求意见稿）", "第二条意见。", 9)
    for path, etag in etags.items():
        changed = client.get(path, headers={"If-None-Match": etag})
        assert changed.status_code == 200 and changed.headers["etag"] != etag, path
    rows = client.get(f"{LIVE}.json").json()
    assert [r["consultation_id"] for r in rows] == [first, second]
    feed = feedparser.parse(client.get("/feeds/datasets.atom").content)
    entry = next(e for e in feed.entries if e.link == f"{BASE}{LIVE}")
    assert entry.id.endswith("/rev/2")  # a second publication is a new revision


@pytest.mark.parametrize(
    ("path", "status"),
    [(f"{LIVE}.csv?bom=maybe", 422), (f"{LIVE}.json?bom=1", 200), ("/api/v1/datasets/nope", 404)],
)
def test_bad_input_is_a_clear_4xx_in_both_languages(world: Any, path: str, status: int) -> None:
    client, _ = world
    response = client.get(path)
    assert response.status_code == status, response.text
    if status >= 400:
        error = response.json()["error"]
        assert error["message"] and error["message_zh"]


def test_an_unknown_dataset_page_is_a_chinese_404(world: Any) -> None:
    client, _ = world
    response = client.get(f"{LIVE}.xml")
    assert response.status_code == 404
    assert "没有名为" in response.text and response.headers["content-type"].startswith("text/html")
