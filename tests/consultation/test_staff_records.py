"""Staff pages for what only the API did (issue #16 item 7): a draft marked secret by law, an
opinion received offline with its channel and date, a representative's opinion recorded by
staff. Success is a 303; a refusal is the page again with the Chinese reason, and writes
nothing (no row, no audit event, no message); success is audited."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from consultation.models import Comment, ConsultationDraft
from publisher.meetings.models import RepresentativeOpinion
from publisher.notifications.models import OutboxMessage
from publisher.staff.models import AuditEvent
from tests.support.bodies import open_consultation
from tests.support.clock import local
from tests.support.planting import application, notice
from tests.support.staff import StaffFixture, sign_in


def _counts(factory: sessionmaker[Session]) -> tuple[int, int, int, int]:
    with factory() as session:
        return (
            session.scalar(select(func.count(ConsultationDraft.id))) or 0,
            session.scalar(select(func.count(Comment.id))) or 0,
            session.scalar(select(func.count(AuditEvent.id))) or 0,
            session.scalar(select(func.count(OutboxMessage.id))) or 0,
        )


def _draft_form(csrf: str, **extra: str) -> dict[str, str]:
    form = {
        "csrf_token": csrf,
        "title": "涉密事项的决定（草案）",
        "draft_text": "第一条 正文。",
        "basis_text": "依据",
        "profile": "city",
        "opens_at": "2026-11-23T09:00",
        "closes_at": "2026-12-07T00:00",
        "secret_by_law": "1",
    }
    form.update(extra)
    return form


def test_a_draft_marked_secret_by_law_on_the_page_is_never_public(
    client: TestClient, staff: StaffFixture, session_factory: sessionmaker[Session]
) -> None:
    csrf = sign_in(client, "editor")
    before = _counts(session_factory)
    refused = client.post("/staff/consultations", data=_draft_form(csrf, publish_now="1"))
    assert refused.status_code == 422, refused.text
    assert "依法" in refused.text and "涉密事项的决定（草案）" in refused.text  # kept typed
    ticked = 'name="secret_by_law" value="1" aria-describedby="f-secret-hint" checked'
    assert ticked in refused.text
    assert _counts(session_factory) == before

    made = client.post("/staff/consultations", data=_draft_form(csrf), follow_redirects=False)
    assert made.status_code == 303
    draft_id = int(made.headers["location"].rsplit("/", 1)[1])
    staff_view = client.get(
        f"/api/v1/staff/consultations/{draft_id}", headers=staff.headers("editor")
    )
    assert staff_view.json()["secret_by_law"] is True
    assert "依法不予公开" in client.get(f"/staff/consultations/{draft_id}").text
    assert client.get(f"/consultations/{draft_id}").status_code == 404
    publish = client.post(f"/staff/consultations/{draft_id}/publish", data={"csrf_token": csrf})
    assert publish.status_code == 422 and "依法" in publish.text


def test_an_offline_opinion_is_recorded_with_its_channel_and_date(
    client: TestClient, staff: StaffFixture, session_factory: sessionmaker[Session]
) -> None:
    draft_id = open_consultation(client, staff.headers("editor"))
    csrf = sign_in(client, "editor")
    page = client.get(f"/staff/consultations/{draft_id}")
    assert f'href="/staff/consultations/{draft_id}/offline-comments"' in page.text
    form_page = client.get(f"/staff/consultations/{draft_id}/offline-comments")
    assert form_page.status_code == 200
    assert re.search(r'<option value="letter"\s*>书面征求意见</option>', form_page.text)
    assert 'value="web"' not in form_page.text  # online channels are not offline

    form = {
        "csrf_token": csrf,
        "channel": "hearing",
        "received_at": "2026-11-22T15:00",
        "text": "听证会上提出：建议夜间停车免费。",
        "section": "第二条",
        "name": "李四",
        "phone": "13912340000",
    }
    before = _counts(session_factory)
    future = client.post(
        f"/staff/consultations/{draft_id}/offline-comments",
        data={**form, "received_at": "2026-11-24T09:00"},
    )
    assert future.status_code == 422
    assert "收到时间不能晚于现在。" in future.text
    assert "听证会上提出：建议夜间停车免费。" in future.text  # what was typed is kept
    online = client.post(
        f"/staff/consultations/{draft_id}/offline-comments", data={**form, "channel": "web"}
    )
    assert online.status_code == 422 and "请选择线下征求意见渠道。" in online.text
    assert _counts(session_factory) == before

    done = client.post(
        f"/staff/consultations/{draft_id}/offline-comments", data=form, follow_redirects=False
    )
    assert done.status_code == 303
    assert done.headers["location"] == f"/staff/consultations/{draft_id}?done=recorded#h-queue"
    with session_factory() as session:
        comment = session.scalars(select(Comment).where(Comment.draft_id == draft_id)).one()
        assert (comment.channel, comment.recorded_by) == ("hearing", "editor")
        assert comment.submitted_at == local(2026, 11, 22, 15, 0)
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "consultation.comment.record")
        ).one()
        assert event.actor_name == "editor"
        receipt = session.scalars(select(OutboxMessage)).one()
        assert receipt.event == "consultation.comment.received"
    assert "听证会" in client.get(f"/staff/consultations/{draft_id}").text


def test_staff_record_a_representatives_opinion_on_the_meeting_page(
    client: TestClient, staff: StaffFixture, session_factory: sessionmaker[Session]
) -> None:
    with session_factory() as session:
        meeting = notice(session, "市政府常务会议", local(2026, 12, 8, 9, 30))
        approved = application(session, meeting, "approved")
        pending = application(session, meeting, "pending")
        ids = meeting.id, approved.id, approved.receipt_code, pending.id, pending.receipt_code
        session.commit()
    meeting_id, approved_id, approved_code, pending_id, pending_code = ids
    csrf = sign_in(client, "editor")
    page = client.get(f"/staff/meetings/{meeting_id}")
    assert f'<option value="{approved_id}">{approved_code}' in page.text
    assert pending_code not in page.text  # only attending representatives give opinions

    def count() -> tuple[int, int]:
        with session_factory() as session:
            return (
                session.scalar(select(func.count(RepresentativeOpinion.id))) or 0,
                session.scalar(select(func.count(AuditEvent.id))) or 0,
            )

    before = count()
    refused = client.post(
        f"/staff/meetings/{meeting_id}/opinions",
        data={"csrf_token": csrf, "application_id": str(pending_id), "body": "意见"},
    )
    assert refused.status_code == 422, refused.text
    assert "只有获准列席的代表才能提交意见建议。" in refused.text
    assert count() == before

    done = client.post(
        f"/staff/meetings/{meeting_id}/opinions",
        data={"csrf_token": csrf, "application_id": str(approved_id), "body": "建议公开会议纪要。"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    with session_factory() as session:
        opinion = session.scalars(select(RepresentativeOpinion)).one()
        assert (opinion.application_id, opinion.recorded_by) == (approved_id, "editor")
        assert session.scalars(
            select(AuditEvent).where(AuditEvent.action == "meeting.opinion.record")
        ).one()
    assert "建议公开会议纪要。" in client.get(f"/staff/meetings/{meeting_id}").text
