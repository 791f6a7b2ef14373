"""Every body type is guarded: control characters and text that is not UTF-8 are refused in
multipart forms and URL-encoded forms too (only JSON was checked), and nothing is stored.
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from consultation.models import Comment
from tests.support.bodies import draft_body
from tests.support.clock import Clock, local
from tests.support.comment_files import png_with_text
from tests.support.staff import StaffFixture


def _draft(app_client: TestClient, staff: StaffFixture) -> int:
    app_client.app.state.clock = Clock(local(2026, 11, 23, 9, 0))  # type: ignore[attr-defined]
    response = app_client.post(
        "/api/v1/staff/consultations", json=draft_body(), headers=staff.headers("editor")
    )
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def _stored(session_factory: sessionmaker[Session]) -> int:
    with session_factory() as session:
        return session.scalar(select(func.count()).select_from(Comment)) or 0


@pytest.mark.parametrize("bad", ["含\x00空字符", "响铃\x07", "转义\x1b[31m"])
def test_the_comment_form_sent_as_multipart_refuses_control_characters(
    app_client: TestClient,
    staff: StaffFixture,
    session_factory: sessionmaker[Session],
    bad: str,
) -> None:
    draft_id = _draft(app_client, staff)
    response = app_client.post(
        f"/consultations/{draft_id}/comments",
        files={"text": (None, bad), "phone": (None, "13912345678")},
    )
    assert response.status_code == 422
    assert "控制字符" in response.json()["error"]["message_zh"]
    assert _stored(session_factory) == 0


def test_invalid_utf8_in_a_form_is_refused_not_stored_as_mojibake(
    app_client: TestClient, staff: StaffFixture, session_factory: sessionmaker[Session]
) -> None:
    draft_id = _draft(app_client, staff)
    for content_type, body in [
        ("application/x-www-form-urlencoded", b"text=%FF%FE%E4%B8&phone=13912345678"),
        (
            "multipart/form-data; boundary=XyZ",
            b'--XyZ\r\nContent-Disposition: form-data; name="text"\r\n\r\n\xff\xfe\xe4\xb8'
            b'\r\n--XyZ\r\nContent-Disposition: form-data; name="phone"\r\n\r\n13912345678'
            b"\r\n--XyZ--\r\n",
        ),
    ]:
        response = app_client.post(
            f"/consultations/{draft_id}/comments",
            content=body,
            headers={"content-type": content_type},
        )
        assert response.status_code == 422, (content_type, response.text)
    assert _stored(session_factory) == 0


def test_a_valid_multipart_comment_still_goes_through(
    app_client: TestClient, staff: StaffFixture, session_factory: sessionmaker[Session]
) -> None:
    draft_id = _draft(app_client, staff)
    response = app_client.post(
        f"/consultations/{draft_id}/comments",
        files={"text": (None, "建议增设停车位。\n第二段。"), "phone": (None, "13912345678")},
    )
    assert response.status_code == 200, response.text
    assert _stored(session_factory) == 1


def test_a_file_part_is_not_read_as_text_whatever_the_boundary_case(
    app_client: TestClient, staff: StaffFixture, session_factory: sessionmaker[Session]
) -> None:
    """Chromium's boundaries are mixed case (----WebKitFormBoundaryAbC…): the guard once
    lower-cased the boundary with the media type, found no parts, read the whole body, a
    photograph's bytes included, as text, and refused every comment with a file."""
    draft_id = _draft(app_client, staff)
    boundary = b"----WebKitFormBoundaryAbCdEf012345"
    body = (
        b"--" + boundary + b'\r\nContent-Disposition: form-data; name="text"\r\n\r\n'
        + "建议增设停车位。".encode() + b"\r\n--" + boundary
        + b'\r\nContent-Disposition: form-data; name="phone"\r\n\r\n13912345678\r\n--'
        + boundary + b'\r\nContent-Disposition: form-data; name="files"; filename="a.png"'
        + b"\r\nContent-Type: image/png\r\n\r\n" + png_with_text() + b"\r\n--" + boundary
        + b"--\r\n"
    )  # fmt: skip
    response = app_client.post(
        f"/consultations/{draft_id}/comments",
        content=body,
        headers={"content-type": "multipart/form-data; boundary=" + boundary.decode()},
    )
    assert response.status_code == 200, response.text
    assert _stored(session_factory) == 1


def test_a_reversed_comment_is_shown_without_its_bidi_controls(
    app_client: TestClient, staff: StaffFixture
) -> None:
    """The public status page and API show the text as typed, less the controls that would
    reverse it; the staff export keeps the original."""
    draft_id = _draft(app_client, staff)
    typed = "建议\u202e增设停车位\u202c。"
    receipt = app_client.post(
        f"/api/v1/consultations/{draft_id}/comments",
        json={"text": typed, "phone": "13912345678"},
    ).json()["receipt_code"]
    public = app_client.get(f"/api/v1/comments/{receipt}").json()["text"]
    assert public == "建议增设停车位。"
    page = app_client.post("/comments/status", data={"code": receipt}).text
    assert "\u202e" not in page and "增设停车位" in page
    staff_csv = app_client.get(
        f"/api/v1/staff/consultations/{draft_id}/comments.csv", headers=staff.headers("reviewer")
    ).content.decode("utf-8-sig")
    assert typed in staff_csv
