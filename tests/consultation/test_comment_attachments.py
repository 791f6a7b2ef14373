"""Files attached to comments (issue #16 item 4): each type accepted and cleaned of its
metadata, a spoofed or oversized file refused with nothing written, seen by staff, public only
once the comment is published and staff approve the file."""

from __future__ import annotations

import io
import os
import zipfile
from urllib.parse import quote

import httpx2
import pytest
from fastapi.testclient import TestClient
from PIL import Image
from pypdf import PdfReader
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from consultation.models import Comment, CommentAttachment
from consultation.open_data import PUBLISHED_COMMENTS
from publisher.blobs.models import Blob, BlobChunk
from publisher.settings import Settings
from publisher.staff.models import AuditEvent
from tests.support.bodies import open_consultation
from tests.support.comment_files import (
    PLANTED_NAME,
    PLANTED_PHONE,
    docx_with_author,
    jpeg_with_gps,
    pdf_with_author,
    png_with_text,
)
from tests.support.staff import StaffFixture, sign_in

FIELDS = {"text": "建议夜间免费停车，附照片。", "phone": "13912345678", "consent_publish": "true"}
JPEG_NAME = f"{PLANTED_NAME}{PLANTED_PHONE}现场.jpg"


def _post(client: TestClient, draft_id: int, *files: tuple[str, bytes, str]) -> httpx2.Response:
    parts = [("files", f) for f in files]
    return client.post(
        f"/api/v1/consultations/{draft_id}/comments/with-files", data=FIELDS, files=parts
    )


def _counts(factory: sessionmaker[Session]) -> tuple[int, ...]:
    with factory() as session:
        return tuple(
            session.scalar(select(func.count()).select_from(m)) or 0
            for m in (Comment, CommentAttachment, Blob, BlobChunk)
        )


def _stored(client: TestClient, factory: sessionmaker[Session]) -> dict[str, bytes]:
    """Each stored file by its staff name, downloaded through the staff page."""
    with factory() as session:
        rows = session.scalars(select(CommentAttachment).order_by(CommentAttachment.id)).all()
    out = {}
    for row in rows:
        url = f"/staff/consultations/{row.draft_id}/comments/{row.comment_id}/attachments/{row.id}"
        response = client.get(url)
        assert response.status_code == 200, response.text
        assert "nosniff" in response.headers["x-content-type-options"]
        assert response.headers["content-disposition"].startswith("attachment;")
        out[row.filename] = response.content
    return out


def test_each_type_is_stored_cleaned_of_its_metadata(
    client: TestClient, staff: StaffFixture, session_factory: sessionmaker[Session]
) -> None:
    draft_id = open_consultation(client, staff.headers("editor"))
    jpeg = jpeg_with_gps()
    assert Image.open(io.BytesIO(jpeg)).getexif().get_ifd(0x8825)  # the GPS is really there
    response = _post(
        client,
        draft_id,
        (JPEG_NAME, jpeg, "image/jpeg"),
        ("图.png", png_with_text(), "image/png"),
        ("意见.pdf", pdf_with_author(), "application/pdf"),
    )
    assert response.status_code == 201, response.text
    docx_response = _post(client, draft_id, ("补充.docx", docx_with_author(), "application/x"))
    assert docx_response.status_code == 201

    sign_in(client, "editor")
    stored = _stored(client, session_factory)
    assert set(stored) == {JPEG_NAME, "图.png", "意见.pdf", "补充.docx"}
    for data in stored.values():
        assert PLANTED_NAME.encode() not in data and PLANTED_PHONE.encode() not in data
    photo = Image.open(io.BytesIO(stored[JPEG_NAME]))
    assert photo.format == "JPEG" and photo.size == (48, 32)
    assert not photo.getexif() and b"Exif" not in stored[JPEG_NAME]
    picture = Image.open(io.BytesIO(stored["图.png"]))
    assert picture.format == "PNG" and "Author" not in picture.info
    pdf = PdfReader(io.BytesIO(stored["意见.pdf"]))
    assert len(pdf.pages) == 1 and pdf.metadata is None  # no /Info at all
    with zipfile.ZipFile(io.BytesIO(stored["补充.docx"])) as archive:
        core = archive.read("docProps/core.xml").decode()
        assert "word/document.xml" in archive.namelist()
    assert PLANTED_NAME not in core and PLANTED_PHONE not in core

    page = client.get(f"/staff/consultations/{draft_id}")
    assert "附件（3）" in page.text and "附件（1）" in page.text


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("photo.jpg", b"MZ\x90\x00" + b"\x00" * 200, "不是 PDF、Word（DOCX）、JPEG 或 PNG"),
        ("scan.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 200, "已损坏"),
        ("big.pdf", b"%PDF-1.7\n" + b"0" * 3000, "超过了每个文件"),
    ],
)
def test_a_refused_file_refuses_the_comment_and_writes_nothing(
    client: TestClient,
    staff: StaffFixture,
    session_factory: sessionmaker[Session],
    settings: Settings,
    name: str,
    data: bytes,
    expected: str,
) -> None:
    client.app.state.settings = settings.model_copy(  # type: ignore[attr-defined]
        update={"comment_file_max_bytes": 2000}
    )
    draft_id = open_consultation(client, staff.headers("editor"))
    before = _counts(session_factory)
    good = ("ok.png", png_with_text(), "image/png")
    api = _post(client, draft_id, good, (name, data, "image/jpeg"))
    status = 413 if "超过" in expected else 422
    assert api.status_code == status
    error = api.json()["error"]
    assert expected in error["message_zh"] and error["message"]
    assert _counts(session_factory) == before  # no comment, no file row, no blob

    page = client.post(
        f"/consultations/{draft_id}/comments",
        data={**FIELDS, "consent_publish": "1"},
        files=[("files", good), ("files", (name, data, "image/jpeg"))],
    )
    assert page.status_code == status and expected in page.text
    assert "请重新选择附件" in page.text and "建议夜间免费停车" in page.text  # typed text kept
    assert _counts(session_factory) == before


def test_too_many_files_are_refused(
    client: TestClient, staff: StaffFixture, session_factory: sessionmaker[Session]
) -> None:
    draft_id = open_consultation(client, staff.headers("editor"))
    before = _counts(session_factory)
    four = [(f"{n}.png", png_with_text(), "image/png") for n in range(4)]
    response = _post(client, draft_id, *four)
    assert response.status_code == 422
    assert "最多上传 3 个附件" in response.json()["error"]["message_zh"]
    assert _counts(session_factory) == before


def test_the_page_form_takes_a_file(
    client: TestClient, staff: StaffFixture, session_factory: sessionmaker[Session]
) -> None:
    draft_id = open_consultation(client, staff.headers("editor"))
    form = client.get(f"/consultations/{draft_id}")
    assert 'enctype="multipart/form-data"' in form.text and 'name="files"' in form.text
    response = client.post(
        f"/consultations/{draft_id}/comments",
        data={**FIELDS, "consent_publish": "1"},
        files=[("files", ("现场.jpg", jpeg_with_gps(), "image/jpeg"))],
    )
    assert response.status_code == 200 and "回执码" in response.text
    assert "随意见上传的1个附件已一并收到" in response.text
    with session_factory() as session:
        [row] = session.scalars(select(CommentAttachment)).all()
        assert row.media_type == "image/jpeg" and row.filename == "现场.jpg"


def test_public_only_once_published_and_approved(
    client: TestClient, staff: StaffFixture, session_factory: sessionmaker[Session]
) -> None:
    draft_id = open_consultation(client, staff.headers("editor"))
    assert _post(client, draft_id, (JPEG_NAME, jpeg_with_gps(), "image/jpeg")).status_code == 201
    with session_factory() as session:
        row = session.scalars(select(CommentAttachment)).one()
        comment_id, file_id = row.comment_id, row.id
    public = f"/consultations/{draft_id}/comment-attachments/{file_id}"
    files_page = f"/staff/consultations/{draft_id}/comments/{comment_id}/attachments"
    assert client.get(public).status_code == 404

    editor_csrf = sign_in(client, "editor")
    page = client.get(files_page)
    assert (
        page.status_code == 200 and JPEG_NAME in page.text and "同意公开</button>" not in page.text
    )
    refused = client.post(f"{files_page}/{file_id}/approve", data={"csrf_token": editor_csrf})
    assert refused.status_code == 403
    client.post("/staff/logout", data={"csrf_token": editor_csrf})
    csrf = sign_in(client, "reviewer")

    approve = client.post(
        f"{files_page}/{file_id}/approve", data={"csrf_token": csrf}, follow_redirects=False
    )
    assert approve.status_code == 303
    assert client.get(public).status_code == 404  # approved, but the comment is not published

    client.post(
        f"/api/v1/staff/consultations/{draft_id}/answers",
        json={"comment_ids": [comment_id], "disposition": "adopted", "reason": "采纳。"},
        headers=staff.headers("editor"),
    )
    published = client.post(
        f"/staff/consultations/{draft_id}/comments/{comment_id}/publication",
        data={"csrf_token": csrf},
        follow_redirects=False,
    )
    assert published.status_code == 303
    download = client.get(public)
    assert download.status_code == 200
    name = f"意见附件-{file_id}.jpg"
    assert download.headers["content-disposition"] == (
        f"attachment; filename*=UTF-8''{quote(name)}"
    )
    assert "nosniff" in download.headers["x-content-type-options"]
    assert download.headers["content-type"] == "image/jpeg"
    assert PLANTED_NAME.encode() not in download.content

    rows = client.get(f"/datasets/{PUBLISHED_COMMENTS}.csv").text
    assert f"{name} {public}" in rows
    assert PLANTED_NAME not in rows and PLANTED_PHONE not in rows

    hide = f"/staff/consultations/{draft_id}/comments/{comment_id}/hide"
    client.post(hide, data={"csrf_token": csrf, "reason": "重复", "hidden": "1"})
    assert client.get(public).status_code == 404  # a hidden comment shows no file
    client.post(hide, data={"csrf_token": csrf, "reason": "误操作", "hidden": "0"})
    assert client.get(public).status_code == 200

    withdraw = client.post(
        f"{files_page}/{file_id}/withdraw", data={"csrf_token": csrf}, follow_redirects=False
    )
    assert withdraw.status_code == 303
    assert client.get(public).status_code == 404
    assert name not in client.get(f"/datasets/{PUBLISHED_COMMENTS}.csv").text
    with session_factory() as session:
        actions = session.scalars(
            select(AuditEvent.action).where(AuditEvent.action.like("%comment_attachment%"))
        ).all()
    assert actions == [
        "consultation.comment_attachment.approve",
        "consultation.comment_attachment.withdraw",
    ]
    client.post("/staff/logout", data={"csrf_token": csrf})
    sign_in(client, "admin")
    log = client.get("/staff/audit")
    assert "同意公开意见附件" in log.text and "撤回意见附件的公开" in log.text


def test_the_same_file_in_two_comments_is_stored_once_and_served_to_both(
    client: TestClient, staff: StaffFixture, session_factory: sessionmaker[Session]
) -> None:
    draft_id = open_consultation(client, staff.headers("editor"))
    picture = ("图.png", png_with_text(), "image/png")
    before = _counts(session_factory)
    assert _post(client, draft_id, picture).status_code == 201
    assert _post(client, draft_id, picture).status_code == 201
    comments, files, blobs, _ = _counts(session_factory)
    assert (comments, files, blobs) == (before[0] + 2, before[1] + 2, before[2] + 1)
    sign_in(client, "editor")
    with session_factory() as session:
        rows = session.scalars(select(CommentAttachment)).all()
    assert len({r.sha256 for r in rows}) == 1
    for row in rows:
        url = f"/staff/consultations/{draft_id}/comments/{row.comment_id}/attachments/{row.id}"
        assert client.get(url).content.startswith(b"\x89PNG")


def test_a_comment_with_files_may_be_larger_than_an_ordinary_request(
    client: TestClient, staff: StaffFixture, settings: Settings
) -> None:
    """The edge's body limit is `max_upload_bytes` on the two comment paths with files (the
    feature's `upload_paths`), not the 1 MB of ordinary requests."""
    draft_id = open_consultation(client, staff.headers("editor"))
    noise = Image.frombytes("RGB", (700, 700), os.urandom(700 * 700 * 3))
    out = io.BytesIO()
    noise.save(out, "PNG")
    big = out.getvalue()
    assert settings.max_request_bytes < len(big) < settings.comment_file_max_bytes
    assert _post(client, draft_id, ("大图.png", big, "image/png")).status_code == 201
    page = client.post(
        f"/consultations/{draft_id}/comments",
        data={**FIELDS, "consent_publish": "1"},
        files=[("files", ("大图.png", big, "image/png"))],
    )
    assert page.status_code == 200 and "回执码" in page.text
    elsewhere = client.post(
        f"/consultations/{draft_id}/follow", files=[("files", ("大图.png", big, "image/png"))]
    )
    assert elsewhere.status_code == 413  # other paths keep the ordinary limit
