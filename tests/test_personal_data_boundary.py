"""Personal data never leaves the staff side.

Marker values are planted through the real public forms and APIs — an applicant and a
commenter with distinctive names, phones, e-mails, typed-in ID and phone numbers, from a
distinctive address, the commenter's files carrying their name and phone in metadata and a file
name — then staff act on them (approve, answer, publish the adoption summary),
and every public page (crawled by following links), every public API response and every feed
is scanned for the markers. Staff exports are checked to still contain them, so the scan is
known to be looking at data that exists.
"""

from __future__ import annotations

import html
import io
import re
import zipfile
from collections.abc import Iterator
from typing import Any
from urllib.parse import urldefrag

import pytest
from fastapi.testclient import TestClient
from PIL import Image
from pypdf import PdfReader

from consultation.open_data import ADOPTION_SUMMARIES, PUBLISHED_COMMENTS
from publisher.privacy import PERSONAL_FIELD_NAMES, PersonalDataLeak, PublicModel
from publisher.settings import Settings
from publisher.web.app import create_app, iter_api_routes
from tests.support.comment_files import docx_with_author, jpeg_with_gps, pdf_with_author
from tests.support.staff import StaffFixture, sign_in
from tests.support.world import (
    MARKER_IP,
    MARKERS,
    Clock,
    ok,
    plant_one_of_everything,
)


@pytest.fixture
def world(settings: Settings, staff: StaffFixture) -> Iterator[tuple[TestClient, Clock]]:
    app = create_app(settings)
    clock = Clock()
    app.state.clock = clock
    with TestClient(app, base_url="http://testserver", client=(MARKER_IP, 4321)) as client:
        yield client, clock
    app.state.engine.dispose()


def _leaks(text: str) -> list[str]:
    return [what for what, value in MARKERS.items() if value in text]


def _leaks_in_bytes(data: bytes) -> list[str]:
    """A file as its readers see it: the raw bytes, a PDF's metadata, every part of a DOCX,
    an image's EXIF and info (a PDF writes its metadata strings as escaped UTF-16)."""
    texts = [data.decode("utf-8", "ignore")]
    if data.startswith(b"%PDF-"):
        reader = PdfReader(io.BytesIO(data))
        texts.append(str(dict(reader.metadata or {})))
    elif data.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            texts += [archive.read(n).decode("utf-8", "ignore") for n in archive.namelist()]
    else:
        with Image.open(io.BytesIO(data)) as image:
            exif = image.getexif()
            texts += [str(dict(exif)), str(exif.get_ifd(0x8825)), str(image.info)]
    return _leaks("\n".join(texts))


def _planted_files() -> list[tuple[str, bytes, str]]:
    """A commenter's files, each carrying their name and phone in its metadata, and in the name
    of one of them."""
    name, phone = MARKERS["commenter name"], MARKERS["commenter phone"]
    return [
        (f"{name}{phone}现场.jpg", jpeg_with_gps(name, phone), "image/jpeg"),
        ("说明.pdf", pdf_with_author(name, phone), "application/pdf"),
        ("补充.docx", docx_with_author(name, phone), "application/octet-stream"),
    ]


def _crawl(client: TestClient, starts: list[str]) -> dict[str, str]:
    seen: dict[str, str] = {}
    queue = list(starts)
    while queue and len(seen) < 400:
        url = urldefrag(queue.pop(0)).url
        if url in seen or url.startswith(("/staff", "/static", "/api/docs")):
            continue
        response = client.get(url)
        seen[url] = response.text
        if "html" in response.headers.get("content-type", ""):
            links = [html.unescape(h) for h in re.findall(r'href="(/[^"]*)"', response.text)]
            queue += [h for h in links if h not in seen]
    return seen


def test_planted_personal_data_appears_nowhere_public(world: Any, staff: StaffFixture) -> None:
    client, clock = world
    files = _planted_files()
    for _, data, _ in files:  # the markers really are in each file as uploaded
        assert _leaks_in_bytes(data)
    planted = plant_one_of_everything(client, clock, staff, comment_files=files)
    meeting, draft = planted["meeting"], planted["draft"]
    # a reviewer publishes the consenting comment in full (personal data masked on the way)
    [comment] = ok(
        client.get(f"/api/v1/staff/consultations/{draft}/comments", headers=staff.headers("editor"))
    )
    csrf = sign_in(client, "reviewer")
    published = client.post(
        f"/staff/consultations/{draft}/comments/{comment['id']}/publication",
        data={"csrf_token": csrf},
        follow_redirects=False,
    )
    assert published.status_code == 303, published.text
    # …and approves every file of it for the public
    files_page = f"/staff/consultations/{draft}/comments/{comment['id']}/attachments"
    staff_view = client.get(files_page).text
    assert MARKERS["commenter name"] in staff_view  # staff see the commenter's file name
    file_ids = re.findall(r'attachments/(\d+)/approve"', staff_view)
    assert len(file_ids) == len(files)
    for file_id in file_ids:
        approve = f"{files_page}/{file_id}/approve"
        response = client.post(approve, data={"csrf_token": csrf}, follow_redirects=False)
        assert response.status_code == 303
    client.post("/staff/logout", data={"csrf_token": csrf})
    public_files = {
        f"/consultations/{draft}/comment-attachments/{file_id}": client.get(
            f"/consultations/{draft}/comment-attachments/{file_id}"
        )
        for file_id in file_ids
    }
    assert all(r.status_code == 200 for r in public_files.values())
    file_leaks = {
        url: _leaks_in_bytes(r.content) + _leaks(r.headers["content-disposition"])
        for url, r in public_files.items()
    }
    assert {url: leaks for url, leaks in file_leaks.items() if leaks} == {}

    # staff answer the representative's opinion, whose answer may be public (issue #17)
    mine = staff.headers("editor")
    [opinion] = ok(client.get(f"/api/v1/staff/meetings/{meeting}/opinions", headers=mine))
    answer = {"answer": f"已研究。可致电{MARKERS['phone typed in an opinion']}。"}
    path = f"/api/v1/staff/meetings/{meeting}/opinions/{opinion['id']}/answer"
    ok(client.post(path, json=answer, headers=mine))

    pages = _crawl(
        client,
        [
            "/",
            "/meetings",
            "/consultations",
            "/datasets",
            "/documents",
            "/subscribe",
            f"/meetings/{meeting}",
            f"/consultations/{draft}",
        ],
    )
    assert f"/meetings/{meeting}" in pages and f"/consultations/{draft}" in pages
    assert "办法已修改后印发" in pages[f"/consultations/{draft}"]  # the summary is there
    # the closed loop shows the comment that led to the change, masked (issue #16)
    assert "意见1（采纳）：建议增设停车位。" in pages[f"/consultations/{draft}"]
    assert f"/consultations/{draft}/diff?from=1&to=2" in pages
    # the comments published in full: under their article and on their own list (issue #16)
    assert f"/consultations/{draft}/responses" in pages
    assert "建议增加公交线路" in pages[f"/meetings/{meeting}/answers"]  # reached, and masked
    assert "建议增设停车位" in pages[f"/consultations/{draft}/responses"]

    public_gets = [
        r.path
        for r in iter_api_routes()
        if "GET" in (r.methods or set())
        and not r.path.startswith(("/api/v1/staff", "/staff"))
        and "{" not in r.path
    ]
    bodies = {path: client.get(path).text for path in public_gets}
    consultation = f"/api/v1/consultations/{draft}"
    for template in (
        f"/api/v1/meetings/{meeting}",
        consultation,
        f"{consultation}/versions",
        f"{consultation}/articles?version=1",
        f"{consultation}/diff?from=1&to=2",
        f"{consultation}/outcome",
        f"{consultation}/responses",
    ):
        bodies[template] = ok(client.get(template)) and client.get(template).text
    assert "建议增设停车位" in bodies[f"{consultation}/responses"]  # published, and masked
    # the adoption summaries and the comments published in full (with the commenter's consent,
    # after review) as open data: the live tables' downloads and metadata
    for name in (ADOPTION_SUMMARIES, PUBLISHED_COMMENTS):
        live = f"/datasets/{name}"
        for path in (f"{live}.csv", f"{live}.csv?bom=1", f"{live}.json", f"/api/v1{live}", live):
            response = client.get(path)
            assert response.status_code == 200, path
            bodies[path] = response.content.decode("utf-8-sig")
        assert "建议增设停车位" in bodies[f"{live}.csv"]  # the consenting comment, masked
        assert "建议增设停车位" in bodies[f"{live}.json"] and live in pages
    for url in public_files:  # the approved files are listed in the published responses
        assert url in bodies[f"/datasets/{PUBLISHED_COMMENTS}.csv"]
    for fmt in ("rss", "atom", "ics"):
        for feed in ("meetings", "consultations"):
            bodies[f"/feeds/{feed}.{fmt}"] = client.get(f"/feeds/{feed}.{fmt}").text
    assert len(bodies) > 10

    from consultation.publication import published_comment_rows
    from consultation.summary import adoption_summary_rows

    with client.app.state.session_factory() as session:
        rows = adoption_summary_rows(session) + published_comment_rows(session)
    assert len(rows) == 2, "the summary and the published comment hold the consenting comment"

    found = {url: _leaks(text) for url, text in {**pages, **bodies, "rows": str(rows)}.items()}
    assert {url: leaks for url, leaks in found.items() if leaks} == {}

    # The same data is there for staff, so the scan above was looking at real data.
    staff_csv = client.get(
        f"/api/v1/staff/meetings/{meeting}/applications.csv", headers=staff.headers("reviewer")
    ).text
    assert MARKERS["applicant name"] in staff_csv and MARKERS["applicant phone"] in staff_csv
    comments_csv = client.get(
        f"/api/v1/staff/consultations/{draft}/comments.csv", headers=staff.headers("reviewer")
    ).text
    assert MARKERS["commenter e-mail"] in comments_csv
    header = comments_csv.lstrip("\ufeff").splitlines()[0]
    assert header.startswith(
        "编号,回执码,提交渠道,提交时间（北京时间）,所涉条款,稿次,针对的条文,引用原文,意见内容"
    )
    assert "采纳" in comments_csv  # the disposition in Chinese, not `adopted`


def test_a_public_model_cannot_even_declare_a_personal_field() -> None:
    for field in ("phone", "email", "ip_address", "name"):
        with pytest.raises(PersonalDataLeak, match=field):
            type("Leaky", (PublicModel,), {"__annotations__": {field: str}})
    assert {"phone", "email", "id_number", "ip_address"} <= PERSONAL_FIELD_NAMES
