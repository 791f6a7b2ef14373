"""One of everything, planted through the real public forms and APIs and acted on by staff.

An applicant and a commenter with distinctive names, phones, e-mails, typed-in ID and phone
numbers, from a distinctive address; staff approve, answer and publish the adoption summary.
Tests that must find (or must not find) personal data look for the markers.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from consultation import comment_attachments, publication
from consultation.models import Comment
from consultation.open_data import ADOPTION_SUMMARIES
from publisher.documents.store import load_bundled_data
from publisher.settings import Settings
from publisher.staff.principal import StaffPrincipal
from publisher.staff.roles import Role
from publisher.timeutil import LOCAL_TZ
from tests.consultation.test_attachments import make_pdf
from tests.support.bodies import comment_body, draft_body, notice_body
from tests.support.comment_files import png_with_text
from tests.support.staff import StaffFixture

MARKER_IP = "203.0.113.77"
MARKERS = {
    "applicant name": "标记申请人甲",
    "applicant phone": "13700001111",
    "applicant e-mail": "marker.applicant@example.org",
    "commenter name": "标记评论人乙",
    "commenter phone": "13800002222",
    "commenter e-mail": "marker.commenter@example.org",
    "phone typed in a comment": "13900003333",
    "phone typed in an opinion": "13600004444",
    "ID number typed in a comment": "411202199001011234",
    "address": MARKER_IP,
}
START = dt.datetime(2026, 11, 23, 9, 0, tzinfo=LOCAL_TZ)


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> dt.datetime:
        return self.now


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def plant_one_of_everything(
    client: TestClient,
    clock: Clock,
    staff: StaffFixture,
    comment_files: list[tuple[str, bytes, str]] | None = None,
) -> dict[str, int]:
    """`comment_files` (name, bytes, type): sent with the comment, through the multipart API."""
    editor, reviewer = staff.headers("editor"), staff.headers("reviewer")
    meeting = ok(client.post("/api/v1/staff/meetings", json=notice_body(), headers=editor), 201)
    ok(
        client.post(
            f"/api/v1/staff/meetings/{meeting['id']}/publish",
            json={"publication_at": START.isoformat()},
            headers=editor,
        )
    )
    receipt = ok(
        client.post(
            f"/api/v1/meetings/{meeting['id']}/applications",
            json={
                "applicant_name": MARKERS["applicant name"],
                "phone": MARKERS["applicant phone"],
                "email": MARKERS["applicant e-mail"],
                "category": "citizen",
                "statement": "希望就民生实事发言",
            },
        ),
        201,
    )
    applications = ok(
        client.get(f"/api/v1/staff/meetings/{meeting['id']}/applications", headers=reviewer)
    )
    ok(
        client.post(
            f"/api/v1/staff/meetings/{meeting['id']}/applications/{applications[0]['id']}/decision",
            json={"approve": True, "note": "同意列席"},
            headers=reviewer,
        )
    )
    ok(
        client.post(
            f"/api/v1/applications/{receipt['receipt_code']}/opinions",
            # consenting to a public answer, and typing a phone number the page must mask
            json={
                "body": f"建议增加公交线路，可打{MARKERS['phone typed in an opinion']}联系",
                "publish_answer": True,
            },
        ),
        201,
    )

    draft_id = ok(
        client.post("/api/v1/staff/consultations", json=draft_body(), headers=editor), 201
    )["id"]
    typed = (
        f"我的电话{MARKERS['phone typed in a comment']}，"
        f"身份证{MARKERS['ID number typed in a comment']}"
    )
    body = comment_body(
        text=f"建议增设停车位。{typed}",
        name=MARKERS["commenter name"],
        phone=MARKERS["commenter phone"],
        email=MARKERS["commenter e-mail"],
        consent_publish=True,
        article="a2",
        quote="本办法适用于市区",
    )
    comments = f"/api/v1/consultations/{draft_id}/comments"
    if comment_files is None:
        comment = ok(client.post(comments, json=body), 201)
    else:
        fields = {k: str(v).lower() if isinstance(v, bool) else str(v) for k, v in body.items()}
        files = [("files", f) for f in comment_files]
        comment = ok(client.post(f"{comments}/with-files", data=fields, files=files), 201)
    queue = ok(client.get(f"/api/v1/staff/consultations/{draft_id}/comments", headers=editor))
    ok(
        client.post(
            f"/api/v1/staff/consultations/{draft_id}/answers",
            json={
                "comment_ids": [c["id"] for c in queue],
                "disposition": "adopted",
                "reason": "已采纳，将在第二条中增加相关内容。",
            },
            headers=editor,
        )
    )
    clock.now = dt.datetime(2026, 12, 8, 9, 0, tzinfo=LOCAL_TZ)  # window closed
    ok(
        client.post(
            f"/api/v1/staff/consultations/{draft_id}/summary",
            json={"outcome_text": "办法已修改后印发。"},
            headers=reviewer,
        )
    )
    final_text = (
        "第一条 为规范城区停车管理，制定本办法。\n第二条 本办法适用于市区，学校周边增设停车位。"
    )
    ok(
        client.post(
            f"/api/v1/staff/consultations/{draft_id}/final-text",
            json={"text": final_text, "reason": "采纳公众意见。"},
            headers=reviewer,
        ),
        201,
    )
    return {
        "meeting": meeting["id"],
        "draft": draft_id,
        "receipts": [receipt["receipt_code"], comment["receipt_code"]],
    }


def _publish_comment_files(session: Session, draft_id: int, now: dt.datetime) -> int:
    """Publish the planted comment in full and approve its file (the use cases, as a reviewer
    would through the staff pages); the file's id."""
    reviewer = StaffPrincipal(None, "test-setup", "test", Role.REVIEWER, "cli")
    comment = session.scalars(select(Comment).where(Comment.draft_id == draft_id)).one()
    publication.publish_comment(session, reviewer, draft_id, comment.id, [], now)
    [attachment] = comment_attachments.attachments_of(session, comment.id)
    comment_attachments.set_approved(
        session, reviewer, draft_id, comment.id, attachment.id, True, now
    )
    return attachment.id


def plant_site(
    client: TestClient, app: FastAPI, settings: Settings, staff: StaffFixture
) -> dict[str, str]:
    """One of everything, the bundled gazette and an attachment: a site where every route has
    something to show. Returns the values of the routes' path parameters, by name."""
    photo = ("照片.png", png_with_text(), "image/png")
    planted = plant_one_of_everything(client, app.state.clock, staff, comment_files=[photo])
    with app.state.session_factory() as session:
        load_bundled_data(settings, session)
        file_id = _publish_comment_files(session, planted["draft"], app.state.clock.now)
    attachment = ok(
        client.post(
            f"/api/v1/staff/consultations/{planted['draft']}/attachments",
            data={"title": "决策依据"},
            files={"file": ("依据.pdf", make_pdf("basis"), "application/pdf")},
            headers=staff.headers("editor"),
        ),
        201,
    )
    # a file on the meeting's first agenda item (its download route shares `attachment_id`)
    meeting_file = ok(
        client.post(
            f"/api/v1/staff/meetings/{planted['meeting']}/agenda/1/attachments",
            data={"title": "会议材料", "reason": "补充会议材料"},
            files={"file": ("材料.pdf", make_pdf("agenda"), "application/pdf")},
            headers=staff.headers("editor"),
        ),
        201,
    )
    assert meeting_file["id"] == attachment["id"], "the two routes are walked with one id"
    documents = ok(client.get("/api/v1/documents"))
    items = documents["items"] if isinstance(documents, dict) else documents
    application, comment = cast(list[str], planted["receipts"])  # typed dict[str, int]
    return {
        "meeting_id": str(planted["meeting"]),
        "draft_id": str(planted["draft"]),
        "attachment_id": str(attachment["id"]),
        "file_id": str(file_id),
        "name": ADOPTION_SUMMARIES,
        "doc_id": str(items[0]["id"]),
        "application": application,
        "comment": comment,
    }
