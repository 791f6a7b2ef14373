"""Staff JSON API of a meeting as an event: its agenda items, check-in at the door and the
attendance counts, its outcome. Thin: each route calls one use case."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, UploadFile

from publisher.meetings import agenda, attendance, notices, outcomes
from publisher.meetings.web.event_schemas import (
    AgendaIn,
    AttendanceOut,
    CheckInIn,
    CheckInOut,
    MeetingAttachmentOut,
    OutcomeIn,
)
from publisher.meetings.web.schemas import NoticeOut
from publisher.meetings.web.staff_schemas import StaffNoticeOut
from publisher.web.auth import Editor, Reviewer
from publisher.web.deps import Blobs, DbSession, IdPath, Now, Rules, SettingsDep
from publisher.web.forms import read_upload
from publisher.web.openapi import error_responses

router = APIRouter(prefix="/api/v1/staff/meetings", tags=["staff: meetings"])


@router.put("/{meeting_id}/agenda", response_model=StaffNoticeOut, responses=error_responses(409))
def set_agenda(
    meeting_id: IdPath, body: AgendaIn, principal: Editor, db: DbSession, now: Now, rules: Rules
) -> StaffNoticeOut:
    """Replace the notice's agenda items (in order, with their documents). On a published
    notice the change is kept in its public history and raises the event's SEQUENCE. 409 when
    the meeting is cancelled or withdrawn."""
    notice = agenda.set_agenda(db, principal, meeting_id, body.to_items(), now, body.reason)
    return StaffNoticeOut.of(notice, now, rules)


@router.post(
    "/{meeting_id}/agenda/{item}/attachments",
    response_model=MeetingAttachmentOut,
    status_code=201,
    responses=error_responses(409, 413),
)
def attach_file(
    meeting_id: IdPath,
    item: IdPath,
    principal: Editor,
    db: DbSession,
    settings: SettingsDep,
    blobs: Blobs,
    now: Now,
    title: Annotated[str, Form(max_length=400)],
    file: Annotated[UploadFile, File()],
    reason: Annotated[str, Form(max_length=2000)] = "",
) -> MeetingAttachmentOut:
    """Multipart: `title` and `file` (PDF or DOCX, recognised by content, at most the upload
    limit), added as a document of agenda item `item` (1-based). 404 for no such item, 409
    when the meeting is cancelled or withdrawn, 413 over the limit; a refusal writes nothing."""
    filename, data = read_upload(file, settings.max_upload_bytes)
    attachment = agenda.attach_file(
        db,
        principal,
        meeting_id,
        item,
        title,
        filename,
        data,
        blobs=blobs,
        max_bytes=settings.max_upload_bytes,
        now=now,
        reason=reason,
    )
    return MeetingAttachmentOut.of(attachment, item)


@router.get("/{meeting_id}/attendance", response_model=AttendanceOut)
def meeting_attendance(meeting_id: IdPath, _: Reviewer, db: DbSession, now: Now) -> AttendanceOut:
    """Places, waiting list, check-ins and no-shows of the meeting, in counts."""
    notice = notices.get_notice(db, meeting_id)
    return AttendanceOut.of(attendance.attendance(db, notice, now))


@router.post("/{meeting_id}/checkin", response_model=CheckInOut, responses=error_responses(409))
def check_in(
    meeting_id: IdPath, body: CheckInIn, principal: Reviewer, db: DbSession, now: Now
) -> CheckInOut:
    """Check an approved attendee in by the code they show (typed or scanned); a second
    check-in says so. 404 for a code not of this meeting, 409 for an application no longer
    approved."""
    return CheckInOut.of(attendance.check_in(db, principal, meeting_id, body.code, now))


@router.put("/{meeting_id}/outcome", response_model=NoticeOut, responses=error_responses(409))
def publish_outcome(
    meeting_id: IdPath, body: OutcomeIn, principal: Editor, db: DbSession, now: Now
) -> NoticeOut:
    """Publish (or correct) the outcome of a meeting that took place: the summary, the
    decision on each item, links; the counts are taken now. Raises the event's SEQUENCE.
    409 before the meeting, or when it is not public or was cancelled."""
    outcomes.publish_outcome(db, principal, meeting_id, body.to_input(), now)
    return NoticeOut.one(db, notices.get_notice(db, meeting_id), now)
