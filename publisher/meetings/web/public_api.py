"""Public JSON API of meetings: notices, attendance applications, representatives' opinions."""

from __future__ import annotations

from fastapi import APIRouter

from publisher.meetings import applications, notices, opinions
from publisher.meetings.vocabulary import ApplicationStatus
from publisher.meetings.web.schemas import (
    ApplicationIn,
    ApplicationStatusOut,
    NoticeOut,
    OpinionIn,
    ReceiptOut,
)
from publisher.web.deps import DbSession, IdPath, Now

router = APIRouter(prefix="/api/v1", tags=["meetings"])


@router.get("/meetings", response_model=list[NoticeOut])
def list_meetings(db: DbSession, now: Now) -> list[NoticeOut]:
    return [NoticeOut.of(db, n, now) for n in notices.public_notices(db, now)]


@router.get("/meetings/{meeting_id}", response_model=NoticeOut)
def get_meeting(meeting_id: IdPath, db: DbSession, now: Now) -> NoticeOut:
    return NoticeOut.of(db, notices.get_public_notice(db, meeting_id, now), now)


@router.post("/meetings/{meeting_id}/applications", status_code=201)
def apply_to_attend(meeting_id: IdPath, body: ApplicationIn, db: DbSession, now: Now) -> ReceiptOut:
    application = applications.apply_to_attend(db, meeting_id, body.to_input(), now)
    return ReceiptOut(
        receipt_code=application.receipt_code,
        status=ApplicationStatus(application.status),
        message_zh="申请已提交。请保存回执码，凭回执码查询审核结果。",
    )


@router.get("/applications/{receipt_code}", response_model=ApplicationStatusOut)
def application_status(receipt_code: str, db: DbSession) -> ApplicationStatusOut:
    return ApplicationStatusOut.of(applications.find_application(db, receipt_code))


@router.post(
    "/applications/{receipt_code}/opinions", response_model=ApplicationStatusOut, status_code=201
)
def record_opinion_by_receipt(
    receipt_code: str, body: OpinionIn, db: DbSession, now: Now
) -> ApplicationStatusOut:
    opinion = opinions.record_opinion_by_receipt(db, receipt_code, body.body, now)
    return ApplicationStatusOut.of(opinion.application)
