"""Attachments of a draft decision, end to end on SQLite and PostgreSQL.

The files are made here: a DOCX written with python-docx, a PDF written by hand with a text
stream. Nothing binary is committed.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from pathlib import Path
from urllib.parse import quote

import docx
import feedparser
from fastapi.testclient import TestClient
from pypdf import PdfReader

from consultation import attachments
from publisher.settings import Settings
from tests.support.bodies import open_consultation
from tests.support.clock import Clock, local
from tests.support.staff import StaffFixture, sign_in

STAFF_PATH = "/api/v1/staff/consultations"
PDF_LINE = "Parking rules basis, article 12"
DOCX_PARAGRAPHS = ["第一条 为规范城区停车管理，制定本说明。", "第二条 本说明自公布之日起施行。"]


def make_pdf(*lines: str) -> bytes:
    """A minimal valid one-page PDF with Helvetica text and a correct xref table."""
    text_ops = " ".join(f"({line}) Tj 0 -20 Td" for line in lines)
    content = f"BT /F1 12 Tf 72 720 Td {text_ops} ET".encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
    ]
    return write_pdf(objects)


def write_pdf(objects: list[bytes]) -> bytes:
    """A PDF of these numbered objects (1 is the catalogue), with a correct xref table."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def make_docx(*paragraphs: str) -> bytes:
    document = docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def upload(
    client: TestClient, staff: StaffFixture, draft_id: int, title: str, name: str, data: bytes
) -> dict[str, object]:
    response = client.post(
        f"{STAFF_PATH}/{draft_id}/attachments",
        data={"title": title},
        files={"file": (name, data, "application/octet-stream")},
        headers=staff.headers("editor"),
    )
    assert response.status_code == 201, response.text
    body: dict[str, object] = response.json()
    return body


def test_the_handmade_pdf_is_real() -> None:
    reader = PdfReader(io.BytesIO(make_pdf(PDF_LINE)))
    assert PDF_LINE in (reader.pages[0].extract_text() or "")


def test_pdf_and_docx_are_listed_downloaded_and_readable(
    client: TestClient, staff: StaffFixture, settings: Settings, backend: str
) -> None:
    draft_id = open_consultation(client, staff.headers("editor"))
    pdf, word = make_pdf(PDF_LINE), make_docx(*DOCX_PARAGRAPHS)
    first = upload(client, staff, draft_id, "决策依据", "依据.pdf", pdf)
    second = upload(client, staff, draft_id, "起草说明", "C:\\材料\\起草说明.docx", word)
    assert first["media_type"] == "application/pdf" and first["size"] == len(pdf)
    assert second["media_type"] == attachments.DOCX and second["filename"] == "起草说明.docx"
    assert first["sha256"] == hashlib.sha256(pdf).hexdigest()
    blobs = client.app.state.blob_store  # type: ignore[attr-defined]
    assert blobs.name == ("database" if backend == "postgresql" else "disk")
    stored = blobs.find(hashlib.sha256(word).hexdigest())
    assert stored is not None and b"".join(stored.iter_chunks()) == word
    if backend == "sqlite":  # the single-machine default keeps files in the data dir
        on_disk = Path(settings.data_dir) / "attachments" / hashlib.sha256(word).hexdigest()
        assert on_disk.read_bytes() == word

    api = client.get(f"/api/v1/consultations/{draft_id}").json()
    listed = {a["title"]: a for a in api["attachments"]}
    assert set(listed) == {"决策依据", "起草说明"}
    assert listed["起草说明"]["sha256"] == hashlib.sha256(word).hexdigest()
    assert listed["决策依据"]["has_text"] is True

    page = client.get(f"/consultations/{draft_id}").text
    assert "决策依据" in page and "起草说明" in page and "KB" in page
    assert listed["决策依据"]["download_url"] in page and listed["起草说明"]["text_url"] in page

    got = client.get(listed["起草说明"]["download_url"])
    assert got.status_code == 200 and got.content == word
    assert got.headers["content-type"] == attachments.DOCX
    assert got.headers["content-disposition"] == (
        f"attachment; filename*=UTF-8''{quote('起草说明.docx')}"
    )
    got_pdf = client.get(listed["决策依据"]["download_url"])
    assert got_pdf.content == pdf and got_pdf.headers["content-type"] == "application/pdf"

    docx_text = client.get(listed["起草说明"]["text_url"])
    assert docx_text.status_code == 200
    for paragraph in DOCX_PARAGRAPHS:
        assert f"<p>{paragraph}</p>" in docx_text.text
    assert PDF_LINE in client.get(listed["决策依据"]["text_url"]).text


def test_a_pdf_without_text_says_to_download_the_original(
    client: TestClient, staff: StaffFixture
) -> None:
    draft_id = open_consultation(client, staff.headers("editor"))
    scan = upload(client, staff, draft_id, "扫描件", "scan.pdf", make_pdf())
    assert scan["text_chars"] == 0
    text_page = client.get(str(scan["text_url"]))
    assert text_page.status_code == 200 and attachments.NO_TEXT_ZH in text_page.text


def test_type_is_checked_by_content_not_by_name(client: TestClient, staff: StaffFixture) -> None:
    draft_id = open_consultation(client, staff.headers("editor"))
    exe = b"MZ\x90\x00" + b"\x00" * 200 + b"This program cannot be run in DOS mode."
    refused = client.post(
        f"{STAFF_PATH}/{draft_id}/attachments",
        data={"title": "决策依据"},
        files={"file": ("依据.pdf", exe, "application/pdf")},
        headers=staff.headers("editor"),
    )
    assert refused.status_code == 422
    error = refused.json()["error"]
    assert "PDF" in error["message"] and "只能上传 PDF 或 DOCX" in error["message_zh"]
    # a zip that is not a Word document is refused too
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "not a document")
    not_docx = client.post(
        f"{STAFF_PATH}/{draft_id}/attachments",
        data={"title": "说明"},
        files={"file": ("说明.docx", buffer.getvalue(), "application/octet-stream")},
        headers=staff.headers("editor"),
    )
    assert not_docx.status_code == 422
    # a real PDF named .exe is kept, and offered for download as .pdf
    renamed = upload(client, staff, draft_id, "依据", "setup.exe", make_pdf(PDF_LINE))
    assert renamed["filename"] == "setup.exe.pdf"
    listed = client.get(f"/api/v1/consultations/{draft_id}").json()["attachments"]
    assert [a["filename"] for a in listed] == ["setup.exe.pdf"]  # the refusals stored nothing
    got = client.get(listed[0]["download_url"])
    assert got.headers["content-type"] == "application/pdf"
    assert got.headers["content-disposition"].endswith("setup.exe.pdf")


def test_oversized_upload_is_413(client: TestClient, staff: StaffFixture) -> None:
    draft_id = open_consultation(client, staff.headers("editor"))
    client.app.state.settings.max_upload_bytes = 4096  # type: ignore[attr-defined]
    big = make_pdf(PDF_LINE) + b"%" + b"x" * 8192
    response = client.post(
        f"{STAFF_PATH}/{draft_id}/attachments",
        data={"title": "决策依据"},
        files={"file": ("big.pdf", big, "application/pdf")},
        headers=staff.headers("editor"),
    )
    assert response.status_code == 413
    assert "上限" in response.json()["error"]["message_zh"]
    assert client.get(f"/api/v1/consultations/{draft_id}").json()["attachments"] == []


def test_api_upload_path_gets_the_upload_limit(client: TestClient, staff: StaffFixture) -> None:
    """Bigger than an ordinary request may be, smaller than an upload may be: accepted."""
    settings = client.app.state.settings  # type: ignore[attr-defined]
    draft_id = open_consultation(client, staff.headers("editor"))
    big = make_pdf(PDF_LINE) + b"%" + b"x" * (settings.max_request_bytes + 10)
    assert len(big) < settings.max_upload_bytes
    stored = upload(client, staff, draft_id, "大文件", "big.pdf", big)
    assert stored["size"] == len(big)


def test_secret_or_unpublished_drafts_attachments_are_404(
    client: TestClient, staff: StaffFixture, clock: Clock
) -> None:
    editor = staff.headers("editor")
    clock.set(2026, 11, 23, 8, 0)
    unpublished = open_consultation(client, editor, publish_at=None)
    secret = open_consultation(client, editor, publish_at=None, secret_by_law=True)
    future = open_consultation(client, editor, publish_at=local(2026, 11, 23, 8, 30).isoformat())
    clock.set(2026, 11, 23, 8, 15)
    for draft_id in (unpublished, secret, future):
        a = upload(client, staff, draft_id, "决策依据", "a.pdf", make_pdf(PDF_LINE))
        assert client.get(str(a["download_url"])).status_code == 404
        assert client.get(str(a["text_url"])).status_code == 404
    clock.set(2026, 11, 23, 8, 45)
    # once the publication time passes, that draft's attachments become public; others don't
    public = client.get(f"/api/v1/consultations/{future}").json()["attachments"]
    assert client.get(public[0]["download_url"]).status_code == 200
    assert client.get(f"/consultations/{secret}/attachments/2").status_code == 404
    # an attachment is only reachable under its own draft
    assert client.get(f"/consultations/{future}/attachments/1").status_code == 404


def test_upload_is_audited(client: TestClient, staff: StaffFixture) -> None:
    draft_id = open_consultation(client, staff.headers("editor"))
    a = upload(client, staff, draft_id, "决策依据", "a.pdf", make_pdf(PDF_LINE))
    log = client.get("/api/v1/staff/audit", headers=staff.headers("admin")).text
    assert "consultation.attachment_add" in log
    assert str(a["sha256"]) in log and a["uploaded_by"] == "editor"


def test_staff_page_form_uploads_with_csrf_only(client: TestClient, staff: StaffFixture) -> None:
    draft_id = open_consultation(client, staff.headers("editor"))
    csrf = sign_in(client, "editor")
    page = client.get(f"/staff/consultations/{draft_id}")
    assert 'enctype="multipart/form-data"' in page.text
    assert re.search(r'action="/staff/consultations/\d+/attachments"', page.text)
    word = make_docx(*DOCX_PARAGRAPHS)
    path = f"/staff/consultations/{draft_id}/attachments"
    no_csrf = client.post(path, data={"title": "起草说明"}, files={"file": ("说明.docx", word)})
    assert no_csrf.status_code == 403
    assert client.get(f"/api/v1/consultations/{draft_id}").json()["attachments"] == []
    refused = client.post(
        path,
        data={"title": "起草说明", "csrf_token": csrf},
        files={"file": ("说明.docx", b"plain text, not a document")},
    )
    assert refused.status_code == 422 and "只能上传 PDF 或 DOCX" in refused.text
    done = client.post(
        path,
        data={"title": "起草说明", "csrf_token": csrf},
        files={"file": ("说明.docx", word)},
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text
    listed = client.get(f"/staff/consultations/{draft_id}").text
    assert "起草说明" in listed and "说明.docx" in listed
    public = client.get(f"/api/v1/consultations/{draft_id}").json()["attachments"]
    assert [a["title"] for a in public] == ["起草说明"]


def test_attachments_are_enclosures_in_the_feeds(client: TestClient, staff: StaffFixture) -> None:
    """Feed readers and podcatcher-style clients fetch a draft's files from the feed itself."""
    draft_id = open_consultation(client, staff.headers("editor"))
    pdf, word = make_pdf(PDF_LINE), make_docx(*DOCX_PARAGRAPHS)
    first = upload(client, staff, draft_id, "决策依据", "依据.pdf", pdf)
    second = upload(client, staff, draft_id, "起草说明", "起草说明.docx", word)
    base = f"http://testserver/consultations/{draft_id}/attachments"
    rss = feedparser.parse(client.get("/feeds/consultations.rss").content)
    (item,) = rss.entries
    assert [(e.href, int(e.length), e.type) for e in item.enclosures] == [
        (f"{base}/{first['id']}", len(pdf), "application/pdf")  # RSS 2.0: one per item
    ]
    atom = feedparser.parse(client.get("/feeds/consultations.atom").content)
    (entry,) = atom.entries
    assert sorted((e.href, int(e.length)) for e in entry.enclosures) == sorted(
        [(f"{base}/{first['id']}", len(pdf)), (f"{base}/{second['id']}", len(word))]
    )
    assert client.get(f"{base}/{first['id']}").content == pdf
