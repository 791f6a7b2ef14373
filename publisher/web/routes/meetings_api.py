"""JSON API of meeting pre-disclosure: public notices and applications, and the staff side."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from fastapi.responses import Response
from pydantic import BaseModel, Field

from publisher.mail import send_mail
from publisher.meetings import service
from publisher.meetings.models import (
    ApplicationStatus,
    MeetingApplication,
    MeetingNotice,
    NoticeStatus,
    RepresentativeCategory,
    RepresentativeOpinion,
)
from publisher.rules.predisclosure import MeetingKind
from publisher.settings import Settings
from publisher.staff import audit
from publisher.staff.principal import StaffPrincipal
from publisher.timeutil import to_local
from publisher.web.auth import require_editor, require_reviewer
from publisher.web.deps import Calendar, DbSession, IdField, IdPath, Now, SettingsDep
from publisher.web.routes.meetings_common import (
    ApplicationStatusOut,
    NoticeOut,
)

router = APIRouter(tags=["meetings"])

Editor = Annotated[StaffPrincipal, Depends(require_editor)]
Reviewer = Annotated[StaffPrincipal, Depends(require_reviewer)]


# ---------------------------------------------------------------------------------- public


class ApplicationIn(BaseModel):
    applicant_name: str = Field(min_length=1, max_length=100)
    phone: str = Field(min_length=5, max_length=32)
    email: str | None = Field(None, max_length=254)
    category: RepresentativeCategory
    statement: str = Field("", max_length=5000)


class ReceiptOut(BaseModel):
    receipt_code: str
    status: ApplicationStatus
    message_zh: str


class OpinionIn(BaseModel):
    body: str = Field(min_length=1, max_length=5000)


@router.get("/api/v1/meetings", response_model=list[NoticeOut])
def list_meetings(db: DbSession, now: Now) -> list[NoticeOut]:
    return [NoticeOut.of(db, n, now) for n in service.public_notices(db, now)]


@router.get("/api/v1/meetings/{meeting_id}", response_model=NoticeOut)
def get_meeting(meeting_id: IdPath, db: DbSession, now: Now) -> NoticeOut:
    return NoticeOut.of(db, service.get_public_notice(db, meeting_id, now), now)


@router.post("/api/v1/meetings/{meeting_id}/applications", status_code=201)
def apply(meeting_id: IdPath, body: ApplicationIn, db: DbSession, now: Now) -> ReceiptOut:
    application = service.apply_to_attend(
        db,
        meeting_id,
        service.ApplicationInput(
            applicant_name=body.applicant_name,
            phone=body.phone,
            email=body.email,
            category=body.category,
            statement=body.statement,
        ),
        now,
    )
    return ReceiptOut(
        receipt_code=application.receipt_code,
        status=ApplicationStatus(application.status),
        message_zh="申请已提交。请保存回执码，凭回执码查询审核结果。",
    )


@router.get("/api/v1/applications/{receipt_code}", response_model=ApplicationStatusOut)
def application_status(receipt_code: str, db: DbSession) -> ApplicationStatusOut:
    return ApplicationStatusOut.of(service.find_application(db, receipt_code))


@router.post(
    "/api/v1/applications/{receipt_code}/opinions",
    response_model=ApplicationStatusOut,
    status_code=201,
)
def record_opinion(
    receipt_code: str, body: OpinionIn, db: DbSession, now: Now
) -> ApplicationStatusOut:
    opinion = service.record_opinion_by_receipt(db, receipt_code, body.body, now)
    db.commit()
    return ApplicationStatusOut.of(opinion.application)


# ----------------------------------------------------------------------------------- staff


class NoticeIn(BaseModel):
    kind: MeetingKind
    title: str = Field(min_length=1, max_length=200)
    starts_at: dt.datetime | None = None
    ends_at: dt.datetime | None = None
    place: str = Field("", max_length=200)
    agenda: str = Field("", max_length=20000)
    participation: str = Field("", max_length=5000)
    application_deadline: dt.datetime | None = None
    capacity: int = Field(0, ge=0, le=10000)
    media_allowed: bool = True
    withheld: bool = False
    publication_at: dt.datetime | None = None


class NoticePatch(BaseModel):
    kind: MeetingKind | None = None
    title: str | None = Field(None, min_length=1, max_length=200)
    starts_at: dt.datetime | None = None
    ends_at: dt.datetime | None = None
    place: str | None = Field(None, max_length=200)
    agenda: str | None = Field(None, max_length=20000)
    participation: str | None = Field(None, max_length=5000)
    application_deadline: dt.datetime | None = None
    capacity: int | None = Field(None, ge=0, le=10000)
    media_allowed: bool | None = None
    withheld: bool | None = None
    reason: str = Field("", max_length=2000)


class PublishIn(BaseModel):
    publication_at: dt.datetime


class CancelIn(BaseModel):
    reason: str = Field(min_length=1, max_length=2000)


class DecisionIn(BaseModel):
    approve: bool
    note: str = Field("", max_length=2000)


class StaffOpinionIn(BaseModel):
    application_id: IdField
    body: str = Field(min_length=1, max_length=5000)


class AssignIn(BaseModel):
    department: str = Field(min_length=1, max_length=200)
    note: str = Field("", max_length=2000)


class AnswerIn(BaseModel):
    answer: str = Field(min_length=1, max_length=10000)


class StaffNoticeOut(BaseModel):
    """Staff view: everything, including withheld and not-yet-public notices."""

    id: int
    kind: MeetingKind
    title: str
    starts_at: dt.datetime | None
    ends_at: dt.datetime | None
    place: str
    agenda: str
    participation: str
    application_deadline: dt.datetime | None
    capacity: int
    media_allowed: bool
    withheld: bool
    published_at: dt.datetime | None
    public_now: bool
    status: NoticeStatus
    cancel_reason: str | None
    sequence: int
    updated_at: dt.datetime
    missing_for_publication: list[str]
    latest_publication: dt.datetime | None
    rule_explanation_zh: str | None
    rule_explanation_en: str | None

    @classmethod
    def of(cls, notice: MeetingNotice, now: dt.datetime, calendar: Any) -> StaffNoticeOut:
        deadline = service.publication_deadline(notice, calendar)
        return cls(
            id=notice.id,
            kind=MeetingKind(notice.kind),
            title=notice.title,
            starts_at=notice.starts_at,
            ends_at=notice.ends_at,
            place=notice.place,
            agenda=notice.agenda,
            participation=notice.participation,
            application_deadline=notice.application_deadline,
            capacity=notice.capacity,
            media_allowed=notice.media_allowed,
            withheld=notice.withheld,
            published_at=notice.published_at,
            public_now=notice.is_public(now),
            status=NoticeStatus(notice.status),
            cancel_reason=notice.cancel_reason,
            sequence=notice.sequence,
            updated_at=notice.updated_at,
            missing_for_publication=service.missing_for_publication(notice),
            latest_publication=deadline.instant if deadline else None,
            rule_explanation_zh=deadline.render_zh() if deadline else None,
            rule_explanation_en=deadline.render_en() if deadline else None,
        )


class StaffApplicationOut(BaseModel):
    """Staff only: carries the applicant's personal data."""

    id: int
    receipt_code: str
    applicant_name: str
    phone: str
    email: str | None
    category: RepresentativeCategory
    statement: str
    status: ApplicationStatus
    review_note: str
    created_at: dt.datetime
    reviewed_at: dt.datetime | None
    reviewed_by: str | None

    @classmethod
    def of(cls, a: MeetingApplication) -> StaffApplicationOut:
        return cls(
            id=a.id,
            receipt_code=a.receipt_code,
            applicant_name=a.applicant_name,
            phone=a.phone,
            email=a.email,
            category=RepresentativeCategory(a.category),
            statement=a.statement,
            status=ApplicationStatus(a.status),
            review_note=a.review_note,
            created_at=a.created_at,
            reviewed_at=a.reviewed_at,
            reviewed_by=a.reviewed_by,
        )


class StaffOpinionOut(BaseModel):
    id: int
    application_id: int
    receipt_code: str
    body: str
    recorded_by: str
    created_at: dt.datetime
    department: str | None
    assignment_note: str
    assigned_at: dt.datetime | None
    answer: str | None
    answered_at: dt.datetime | None
    answered_by: str | None

    @classmethod
    def of(cls, o: RepresentativeOpinion) -> StaffOpinionOut:
        return cls(
            id=o.id,
            application_id=o.application_id,
            receipt_code=o.application.receipt_code,
            body=o.body,
            recorded_by=o.recorded_by,
            created_at=o.created_at,
            department=o.department,
            assignment_note=o.assignment_note,
            assigned_at=o.assigned_at,
            answer=o.answer,
            answered_at=o.answered_at,
            answered_by=o.answered_by,
        )


STAFF = "/api/v1/staff/meetings"


@router.get(STAFF, response_model=list[StaffNoticeOut])
def staff_list(_: Editor, db: DbSession, now: Now, calendar: Calendar) -> list[StaffNoticeOut]:
    return [StaffNoticeOut.of(n, now, calendar) for n in service.all_notices(db)]


@router.post(STAFF, response_model=StaffNoticeOut, status_code=201)
def staff_create(
    body: NoticeIn, principal: Editor, db: DbSession, now: Now, calendar: Calendar
) -> StaffNoticeOut:
    notice = service.create_notice(
        db, principal, service.NoticeDraft(**body.model_dump()), now, calendar
    )
    db.commit()
    return StaffNoticeOut.of(notice, now, calendar)


@router.get(STAFF + "/{meeting_id}", response_model=StaffNoticeOut)
def staff_get(
    meeting_id: IdPath, _: Editor, db: DbSession, now: Now, calendar: Calendar
) -> StaffNoticeOut:
    return StaffNoticeOut.of(service.get_notice(db, meeting_id), now, calendar)


@router.patch(STAFF + "/{meeting_id}", response_model=StaffNoticeOut)
def staff_update(
    meeting_id: IdPath,
    body: NoticePatch,
    principal: Editor,
    db: DbSession,
    now: Now,
    calendar: Calendar,
) -> StaffNoticeOut:
    changes = body.model_dump(exclude_unset=True)
    reason = changes.pop("reason", "")
    notice = service.update_notice(db, principal, meeting_id, changes, now, calendar, reason)
    db.commit()
    return StaffNoticeOut.of(notice, now, calendar)


@router.post(STAFF + "/{meeting_id}/publish", response_model=StaffNoticeOut)
def staff_publish(
    meeting_id: IdPath,
    body: PublishIn,
    principal: Editor,
    db: DbSession,
    now: Now,
    calendar: Calendar,
) -> StaffNoticeOut:
    notice = service.publish_notice(db, principal, meeting_id, body.publication_at, now, calendar)
    db.commit()
    return StaffNoticeOut.of(notice, now, calendar)


@router.post(STAFF + "/{meeting_id}/cancel", response_model=StaffNoticeOut)
def staff_cancel(
    meeting_id: IdPath,
    body: CancelIn,
    principal: Editor,
    db: DbSession,
    now: Now,
    calendar: Calendar,
) -> StaffNoticeOut:
    notice = service.cancel_notice(db, principal, meeting_id, body.reason, now)
    db.commit()
    return StaffNoticeOut.of(notice, now, calendar)


@router.get(STAFF + "/{meeting_id}/applications", response_model=list[StaffApplicationOut])
def staff_applications(meeting_id: IdPath, _: Reviewer, db: DbSession) -> list[StaffApplicationOut]:
    return [StaffApplicationOut.of(a) for a in service.list_applications(db, meeting_id)]


CSV_COLUMNS = [
    "receipt_code",
    "applicant_name",
    "phone",
    "email",
    "category",
    "statement",
    "status",
    "review_note",
    "created_at_local",
    "reviewed_at_local",
    "reviewed_by",
]


def applications_csv(applications: list[MeetingApplication]) -> str:
    """UTF-8 with BOM so Excel opens the Chinese text correctly."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for a in applications:
        writer.writerow(
            [
                a.receipt_code,
                a.applicant_name,
                a.phone,
                a.email or "",
                RepresentativeCategory(a.category).label_zh,
                a.statement,
                ApplicationStatus(a.status).label_zh,
                a.review_note,
                to_local(a.created_at).isoformat(),
                to_local(a.reviewed_at).isoformat() if a.reviewed_at else "",
                a.reviewed_by or "",
            ]
        )
    return buffer.getvalue()


def csv_response(text: str, meeting_id: IdPath) -> Response:
    return Response(
        text.encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="meeting-{meeting_id}-applications.csv"',
            "Cache-Control": "no-store",
        },
    )


@router.get(STAFF + "/{meeting_id}/applications.csv")
def staff_applications_csv(meeting_id: IdPath, principal: Reviewer, db: DbSession) -> Response:
    applications = list(service.list_applications(db, meeting_id))
    audit.record(db, principal, "meeting.applications.export", "meeting_notice", meeting_id)
    db.commit()
    return csv_response(applications_csv(applications), meeting_id)


def notify_decision(settings: Settings, application: MeetingApplication) -> None:
    """After the commit: tell the applicant by e-mail when they gave an address."""
    if application.email:
        subject, body = service.decision_mail(application)
        send_mail(settings, application.email, subject, body)


@router.post(
    STAFF + "/{meeting_id}/applications/{application_id}/decision",
    response_model=StaffApplicationOut,
)
def staff_decide(
    meeting_id: IdPath,
    application_id: IdPath,
    body: DecisionIn,
    principal: Reviewer,
    db: DbSession,
    settings: SettingsDep,
    now: Now,
) -> StaffApplicationOut:
    application = service.decide_application(
        db, principal, meeting_id, application_id, body.approve, body.note, now
    )
    db.commit()
    notify_decision(settings, application)
    return StaffApplicationOut.of(application)


@router.get(STAFF + "/{meeting_id}/opinions", response_model=list[StaffOpinionOut])
def staff_opinions(meeting_id: IdPath, _: Editor, db: DbSession) -> list[StaffOpinionOut]:
    return [StaffOpinionOut.of(o) for o in service.list_opinions(db, meeting_id)]


@router.post(STAFF + "/{meeting_id}/opinions", response_model=StaffOpinionOut, status_code=201)
def staff_record_opinion(
    meeting_id: IdPath, body: StaffOpinionIn, principal: Editor, db: DbSession, now: Now
) -> StaffOpinionOut:
    opinion = service.record_opinion_by_staff(
        db, principal, meeting_id, body.application_id, body.body, now
    )
    db.commit()
    return StaffOpinionOut.of(opinion)


@router.post(STAFF + "/{meeting_id}/opinions/{opinion_id}/assign", response_model=StaffOpinionOut)
def staff_assign(
    meeting_id: IdPath,
    opinion_id: IdPath,
    body: AssignIn,
    principal: Editor,
    db: DbSession,
    now: Now,
) -> StaffOpinionOut:
    opinion = service.assign_opinion(
        db, principal, meeting_id, opinion_id, body.department, body.note, now
    )
    db.commit()
    return StaffOpinionOut.of(opinion)


@router.post(STAFF + "/{meeting_id}/opinions/{opinion_id}/answer", response_model=StaffOpinionOut)
def staff_answer(
    meeting_id: IdPath,
    opinion_id: IdPath,
    body: AnswerIn,
    principal: Editor,
    db: DbSession,
    now: Now,
) -> StaffOpinionOut:
    opinion = service.answer_opinion(db, principal, meeting_id, opinion_id, body.answer, now)
    db.commit()
    return StaffOpinionOut.of(opinion)
