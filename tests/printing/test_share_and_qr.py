"""A pasted link shows the notice's title and summary (og: and the schema.org names WeChat
reads); every public page carries a QR code to itself; staff pages do not; the press kit
gives staff the same words as plain text and the A4 PDF."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from lxml import html

from tests.support.staff import sign_in


def share_metadata(page: str) -> dict[str, str]:
    tree = html.fromstring(page)
    found = {}
    for meta in tree.iter("meta"):
        key = meta.get("property") or meta.get("itemprop") or meta.get("name")
        if key:
            found[key] = meta.get("content", "")
    return found


def test_a_meeting_page_carries_its_title_and_summary_for_link_previews(
    client: TestClient, meeting_id: int
) -> None:
    meta = share_metadata(client.get(f"/meetings/{meeting_id}").text)
    assert meta["og:title"] == meta["name"] == "市政府第十次全体会议"
    for key in ("og:description", "description", "description"):
        assert "会议地点：市政府第一会议室" in meta[key]
        assert "审议《三门峡市2027年民生实事方案》" in meta[key]
    assert meta["og:url"] == f"http://testserver/meetings/{meeting_id}"
    assert meta["og:image"] == meta["image"] == "http://testserver/static/share.png"
    assert client.get("/static/share.png").headers["content-type"] == "image/png"


def test_a_consultation_page_carries_its_title_and_draft_summary(
    client: TestClient, draft_id: int
) -> None:
    meta = share_metadata(client.get(f"/consultations/{draft_id}").text)
    assert meta["og:title"] == "三门峡市城区停车管理办法（征求意见稿）"
    assert "第一条 为规范城区停车管理" in meta["og:description"]
    assert "征求意见截止：2026年12月6日 24:00" in meta["og:description"]


def test_every_public_page_shows_a_qr_code_to_itself_and_staff_pages_do_not(
    client: TestClient, staff: Any, meeting_id: int, draft_id: int
) -> None:
    for path in (
        "/",
        "/meetings",
        f"/meetings/{meeting_id}",
        "/consultations",
        f"/consultations/{draft_id}",
        "/datasets",
        "/documents",
        "/subscribe",
    ):
        tree = html.fromstring(client.get(path).text)
        codes = tree.xpath('//aside[@class="page-qr wrap"]//*[local-name()="svg"]')
        assert len(codes) == 1, path
        assert tree.xpath('string(//aside[@class="page-qr wrap"]//span[@class="page-url"])') == (
            f"http://testserver{path}"
        )
    sign_in(client, "editor")
    staff_page = client.get("/staff/meetings")
    assert staff_page.status_code == 200
    assert "page-qr" not in staff_page.text


def test_the_press_kit_gives_the_plain_text_and_the_pdf(
    client: TestClient, staff: Any, meeting_id: int, draft_id: int
) -> None:
    sign_in(client, "editor")
    for kit, title in (
        (f"/staff/meetings/{meeting_id}/press", "市政府第十次全体会议"),
        (f"/staff/consultations/{draft_id}/press", "三门峡市城区停车管理办法（征求意见稿）"),
    ):
        page = client.get(kit)
        assert page.status_code == 200, kit
        text = html.fromstring(page.text).xpath('string(//textarea[@id="press-text"])')
        assert text.startswith(title + "\n")
        assert "网上查看：http://testserver/" in text and "三门峡市人民政府办公室" in text
        pdf = client.get(f"{kit}.pdf")
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_a_made_up_long_path_is_a_404_without_a_qr_code_not_a_500(client: TestClient) -> None:
    response = client.get("/" + "页" * 3000)
    assert response.status_code == 404
    assert "page-qr" in response.text
    page = html.fromstring(response.text)
    assert not page.xpath('//aside[contains(@class, "page-qr")]//*[local-name()="svg"]')
