"""The A4 notice travels: its PDF carries the Chinese text in an embedded font and a QR code
that a real decoder (zbar) reads back as the notice's URL; no font gives a 503 in Chinese."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any, cast

import pypdfium2
from fastapi.testclient import TestClient
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject
from pyzbar.pyzbar import decode

from publisher.settings import Settings
from publisher.web.app import create_app
from tests.support.bodies import draft_body
from tests.support.clock import Clock


def qr_codes(pdf: bytes) -> list[str]:
    """Every QR code on the PDF's first page, rendered at 150 dpi and decoded by zbar."""
    document = pypdfium2.PdfDocument(pdf)
    try:
        image = document[0].render(scale=150 / 72).to_pil()
    finally:
        document.close()
    return [found.data.decode() for found in decode(image) if found.type == "QRCODE"]


def text_of(pdf: bytes) -> str:
    """The first page's text, runs of white space as one space (extraction spaces vary)."""
    return " ".join(PdfReader(io.BytesIO(pdf)).pages[0].extract_text().split())


def embedded_fonts(pdf: bytes) -> list[str]:
    """Names of the first page's fonts whose program is embedded (FontFile2 or FontFile3)."""
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    resources = cast(DictionaryObject, page["/Resources"].get_object())
    names = []
    for ref in cast(DictionaryObject, resources["/Font"].get_object()).values():
        font = cast(DictionaryObject, ref.get_object())
        for descendant in cast(ArrayObject, font["/DescendantFonts"].get_object()):
            cid_font = cast(DictionaryObject, descendant.get_object())
            descriptor = cast(DictionaryObject, cid_font["/FontDescriptor"].get_object())
            if "/FontFile2" in descriptor or "/FontFile3" in descriptor:
                names.append(str(descriptor["/FontName"]))
    return names


def test_meeting_notice_pdf_has_chinese_text_and_a_qr_code_to_its_page(
    client: TestClient, meeting_id: int
) -> None:
    response = client.get(f"/meetings/{meeting_id}/notice.pdf")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    text = text_of(response.content)
    for words in (
        "重大会议公开预告",
        "市政府第十次全体会议",
        "会议时间：2026年12月7日 09:30 至 2026年12月7日 11:30",
        "会议地点：市政府第一会议室",
        "审议《三门峡市2027年民生实事方案》",
        "公众参与方式",
        "报名截止时间",
        "三门峡市人民政府办公室",
        "2026年11月23日",
    ):
        assert words in text, words
    assert embedded_fonts(response.content), "the Chinese font must be embedded"
    assert qr_codes(response.content) == [f"http://testserver/meetings/{meeting_id}"]


def test_consultation_notice_pdf_has_the_draft_summary_deadline_and_qr_code(
    client: TestClient, draft_id: int
) -> None:
    response = client.get(f"/consultations/{draft_id}/notice.pdf")
    assert response.status_code == 200, response.text
    text = text_of(response.content)
    for words in (
        "公开征求意见公告",
        "三门峡市城区停车管理办法（征求意见稿）",
        "起草单位：市城市管理局",
        "意见截止时间",
        "第一条 为规范城区停车管理",
        "提出意见的方式",
    ):
        assert words in text, words
    assert qr_codes(response.content) == [f"http://testserver/consultations/{draft_id}"]


def test_the_contact_setting_is_on_the_notice(
    settings: Settings, clock: Clock, staff: Any, draft_id: int
) -> None:
    configured = settings.model_copy(update={"site_contact": "0398-2800000；三门峡市崤山路"})
    app = create_app(configured)
    app.state.clock = clock
    with TestClient(app, base_url="http://testserver") as client:
        pdf = client.get(f"/consultations/{draft_id}/notice.pdf").content
        page = client.get(f"/consultations/{draft_id}/print").text
    app.state.engine.dispose()
    assert "联系方式：0398-2800000；三门峡市崤山路" in text_of(pdf)
    assert "0398-2800000；三门峡市崤山路" in page


def test_without_a_chinese_font_the_pdf_is_a_503_in_chinese_not_a_500(
    settings: Settings, clock: Clock, staff: Any, meeting_id: int, tmp_path: Path
) -> None:
    missing = settings.model_copy(update={"pdf_font": tmp_path / "no-such-font.ttc"})
    app = create_app(missing)
    app.state.clock = clock
    with TestClient(app, base_url="http://testserver") as client:
        pdf = client.get(f"/meetings/{meeting_id}/notice.pdf")
        printed = client.get(f"/meetings/{meeting_id}/print")
    app.state.engine.dispose()
    assert pdf.status_code == 503
    assert "PDF版暂时无法生成" in pdf.text and "打印版" in pdf.text
    assert printed.status_code == 200  # the print page needs no font on the server


def test_unpublished_notices_have_no_public_print_page_or_pdf(
    client: TestClient, staff: Any
) -> None:
    created = client.post(
        "/api/v1/staff/consultations",
        json=draft_body(publish_at=None),
        headers=staff.headers("editor"),
    )
    assert created.status_code == 201, created.text
    draft = created.json()["id"]
    assert client.get(f"/consultations/{draft}/print").status_code == 404
    assert client.get(f"/consultations/{draft}/notice.pdf").status_code == 404
