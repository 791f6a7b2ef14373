"""Files uploaded as agenda documents (issue #17): checked by content and size like a draft's
attachments, stored as blobs, linked from the item on the page, in the feeds and in the
calendar event, downloaded under their Chinese name; a refusal writes nothing."""

from __future__ import annotations

import io
from typing import Any
from urllib.parse import quote

import docx
import feedparser
import icalendar
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from publisher.meetings.feeds import absolute_links
from publisher.meetings.models import MeetingAttachment, MeetingNotice
from publisher.settings import Settings
from publisher.staff.models import AuditEvent
from publisher.web.app import create_app
from tests.consultation.test_attachments import make_pdf
from tests.support.bodies import notice_body
from tests.support.clock import MEETINGS_NOW, Clock, local
from tests.support.staff import StaffFixture, sign_in

AGENDA = [{"title": "审议《民生实事方案》"}, {"title": "研究城区停车管理办法"}]


def _docx(text: str) -> bytes:
    document = docx.Document()
    document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _meeting(client: TestClient, staff: Any) -> int:
    body = notice_body(publication_at=local(2026, 11, 22, 9, 0).isoformat())
    created = client.post("/api/v1/staff/meetings", json=body, headers=staff.headers("editor"))
    assert created.status_code == 201, created.text
    meeting_id: int = created.json()["id"]
    put = client.put(
        f"/api/v1/staff/meetings/{meeting_id}/agenda",
        json={"items": AGENDA},
        headers=staff.headers("editor"),
    )
    assert put.status_code == 200, put.text
    return meeting_id


def _upload(client: TestClient, staff: Any, path: str, title: str, name: str, data: bytes) -> Any:
    return client.post(
        path,
        data={"title": title, "reason": "补充会议材料"},
        files={"file": (name, data, "application/octet-stream")},
        headers=staff.headers("editor"),
    )


def _state(factory: sessionmaker[Session], meeting_id: int) -> tuple[int, str, int, int]:
    with factory() as session:
        notice = session.get(MeetingNotice, meeting_id)
        assert notice is not None
        files = session.scalar(select(func.count()).select_from(MeetingAttachment)) or 0
        audits = session.scalar(select(func.count()).select_from(AuditEvent)) or 0
        return files, notice.agenda, notice.sequence, audits


def test_a_file_on_an_item_is_on_the_page_feeds_and_calendar(
    client: TestClient, staff: StaffFixture
) -> None:
    mid = _meeting(client, staff)
    factory: sessionmaker[Session] = client.app.state.session_factory  # type: ignore[attr-defined]
    _, _, sequence_before, _ = _state(factory, mid)
    pdf = make_pdf("Parking plan")
    sent = _upload(
        client,
        staff,
        f"/api/v1/staff/meetings/{mid}/agenda/2/attachments",
        "停车方案",
        "停车管理方案.exe",
        pdf,
    )
    assert sent.status_code == 201, sent.text
    file = sent.json()
    # named by its content's real type, whatever the name said
    assert file["media_type"] == "application/pdf" and file["filename"] == "停车管理方案.exe.pdf"
    url = file["download_url"]
    assert url == f"/meetings/{mid}/attachments/{file['id']}" and file["item"] == 2

    public = client.get(f"/api/v1/meetings/{mid}").json()
    (document,) = public["agenda_items"][1]["documents"]
    assert (document["kind"], document["label"], document["url"]) == ("attachment", "停车方案", url)
    page = client.get(f"/meetings/{mid}")
    assert f'<a href="{url}">停车方案</a>' in page.text

    got = client.get(url)
    assert got.status_code == 200 and got.content == pdf
    assert got.headers["content-type"] == "application/pdf"
    disposition = got.headers["content-disposition"]
    assert disposition == f"attachment; filename*=UTF-8''{quote('停车管理方案.exe.pdf')}"
    assert disposition.isascii() and "nosniff" in got.headers["x-content-type-options"]

    full = f"http://testserver{url}"
    rss = feedparser.parse(client.get("/feeds/meetings.rss").content)
    assert any(full in entry.summary for entry in rss.entries)
    atom = feedparser.parse(client.get("/feeds/meetings.atom").content)
    assert any(full in entry.summary for entry in atom.entries)
    calendar = icalendar.Calendar.from_ical(client.get("/feeds/meetings.ics").content)
    (event,) = calendar.walk("VEVENT")
    assert full in str(event["DESCRIPTION"])
    assert int(str(event["SEQUENCE"])) > sequence_before  # a change to what the notice announces
    history = client.get(f"/meetings/{mid}").text
    assert "补充会议材料" in history  # the public change record says why

    # a DOCX too, by the staff page's multipart form
    csrf = sign_in(client, "editor")
    form = client.post(
        f"/staff/meetings/{mid}/agenda/1/attachments",
        data={"csrf_token": csrf, "title": "实事方案说明"},
        files={"file": ("说明.docx", _docx("第一条 说明。"), "application/msword")},
        follow_redirects=False,
    )
    assert form.status_code == 303, form.text
    assert "文件已上传" in client.get(form.headers["location"]).text
    first = client.get(f"/api/v1/meetings/{mid}").json()["agenda_items"][0]["documents"]
    assert [d["label"] for d in first] == ["实事方案说明"]
    assert (
        client.get(first[0]["url"])
        .headers["content-type"]
        .startswith("application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    )

    # unlinked by a later edit of the agenda: no longer published
    client.put(
        f"/api/v1/staff/meetings/{mid}/agenda",
        json={"items": AGENDA},
        headers=staff.headers("editor"),
    )
    assert client.get(url).status_code == 404
    assert client.get(f"/meetings/{mid}/attachments/999").status_code == 404


def test_refusals_write_nothing(client: TestClient, staff: StaffFixture) -> None:
    mid = _meeting(client, staff)
    factory: sessionmaker[Session] = client.app.state.session_factory  # type: ignore[attr-defined]
    before = _state(factory, mid)
    path = f"/api/v1/staff/meetings/{mid}/agenda/1/attachments"
    renamed = _upload(client, staff, path, "方案", "方案.pdf", b"MZ\x90\x00 not a pdf")
    assert renamed.status_code == 422 and "按文件内容识别" in renamed.json()["error"]["message_zh"]
    assert _upload(client, staff, path, "", "a.pdf", make_pdf("x")).status_code == 422
    missing = f"/api/v1/staff/meetings/{mid}/agenda/3/attachments"
    assert _upload(client, staff, missing, "方案", "a.pdf", make_pdf("x")).status_code == 404
    assert _state(factory, mid) == before


def test_the_upload_limit_is_the_attachments_one(settings: Settings, staff: StaffFixture) -> None:
    small = settings.model_copy(update={"max_upload_bytes": 600})
    app = create_app(small)
    app.state.clock = Clock(MEETINGS_NOW)
    with TestClient(app, base_url="http://testserver") as client:
        mid = _meeting(client, staff)
        factory: sessionmaker[Session] = app.state.session_factory
        before = _state(factory, mid)
        path = f"/api/v1/staff/meetings/{mid}/agenda/1/attachments"
        big = make_pdf(*(["Parking plan line"] * 40))
        assert len(big) > 600
        assert _upload(client, staff, path, "方案", "a.pdf", big).status_code == 413
        assert _state(factory, mid) == before
    app.state.engine.dispose()


def test_site_paths_in_the_agenda_become_full_links() -> None:
    text = "1. 审议\n   附件：方案 /meetings/1/attachments/2\n   附件：外部 https://x.cn/a.pdf"
    assert absolute_links(text, "https://gov.example") == (
        "1. 审议\n   附件：方案 https://gov.example/meetings/1/attachments/2\n"
        "   附件：外部 https://x.cn/a.pdf"
    )
