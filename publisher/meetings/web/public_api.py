"""Public JSON API of meetings: notices, attendance applications, representatives' opinions."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Query, Response

from publisher.meetings import applications, attendance, intake, listing, notices, opinions
from publisher.meetings.models import MeetingApplication
from publisher.meetings.vocabulary import ApplicationStatus, NoticeStatus
from publisher.meetings.web.schemas import (
    ApplicationIn,
    ApplicationStatusOut,
    NoticeOut,
    OpinionIn,
    ReceiptOut,
)
from publisher.rules.predisclosure import MeetingKind
from publisher.web.caching import personal
from publisher.web.deps import ClientKey, Day, DbEngine, DbSession, IdPath, Now
from publisher.web.openapi import error_responses
from publisher.web.responses import PagingDep

router = APIRouter(prefix="/api/v1", tags=["meetings"])


@router.get("/meetings", response_model=list[NoticeOut])
def list_meetings(
    db: DbSession,
    now: Now,
    paging: PagingDep,
    status: NoticeStatus | None = None,
    kind: MeetingKind | None = None,
    date_from: Annotated[Day | None, Query(description="meetings starting on or after")] = None,
    date_to: Annotated[Day | None, Query(description="meetings starting on or before")] = None,
) -> list[NoticeOut]:
    """Public notices, soonest meeting first, a page at a time (`Link` and `X-Total-Count`
    headers give the others); filter by status, kind and the meeting's date (Beijing time)."""
    filters = listing.NoticeFilter(status, kind, date_from, date_to)
    found = listing.public_notices_page(db, now, filters, paging.offset, paging.per_page)
    paging.found(found.total)
    return NoticeOut.list_of(db, found.rows, now)


@router.get("/meetings/{meeting_id}", response_model=NoticeOut)
def get_meeting(meeting_id: IdPath, db: DbSession, now: Now) -> NoticeOut:
    """One public notice with its history of changes; 404 before its publication time."""
    return NoticeOut.one(db, notices.get_public_notice(db, meeting_id, now), now)


@router.post(
    "/meetings/{meeting_id}/applications",
    status_code=201,
    responses={
        200: {"model": ReceiptOut, "description": "A retry with the same `Idempotency-Key`."},
        **error_responses(409, 429),
    },
)
async def apply_to_attend(
    meeting_id: IdPath,
    body: ApplicationIn,
    response: Response,
    engine: DbEngine,
    now: Now,
    requester: ClientKey,
    idempotency_key: Annotated[str | None, Header(max_length=100)] = None,
) -> ReceiptOut:
    """201 with a receipt code once the application is committed; a retry with the same
    `Idempotency-Key` returns 200 and the same receipt. The same phone applying again gets
    409 `already_applied`, and the first receipt is re-sent to the e-mail on file."""
    # async: the request waits for its batch's COMMIT without holding a thread (#15)
    application, created = await intake.receive_application(
        engine,
        meeting_id,
        body.to_input(),
        now,
        requester=requester,
        idempotency_key=idempotency_key,
    )
    if not created:
        response.status_code = 200
    waitlisted = application.status == ApplicationStatus.WAITLISTED.value
    return ReceiptOut(
        receipt_code=application.receipt_code,
        status=ApplicationStatus(application.status),
        message_zh=(
            "名额已满，申请已列入候补名单，有名额空出时按顺序递补。请保存回执码，凭回执码查询。"
            if waitlisted
            else "申请已提交。请保存回执码，凭回执码查询审核结果。"
        ),
    )


@router.get(
    "/applications/{receipt_code}",
    response_model=ApplicationStatusOut,
    responses=error_responses(429),
)
@personal  # a receipt's status
def application_status(
    receipt_code: str, db: DbSession, now: Now, requester: ClientKey
) -> ApplicationStatusOut:
    """An application's review status, by its receipt code. Unknown codes
    are counted per address: too many give 429."""
    application = applications.application_by_receipt(
        db, receipt_code, requester=requester, now=now
    )
    return _status_out(db, application)


def _status_out(db: DbSession, application: MeetingApplication) -> ApplicationStatusOut:
    return ApplicationStatusOut.of(application, attendance.waiting_position(db, application))


@router.post(
    "/applications/{receipt_code}/withdraw",
    response_model=ApplicationStatusOut,
    responses=error_responses(409, 429),
)
def withdraw_application(
    receipt_code: str, db: DbSession, now: Now, requester: ClientKey
) -> ApplicationStatusOut:
    """The applicant gives up their place, or their turn on the waiting list; a freed place
    goes to the first waiting. 409 when the application holds no place or the meeting began."""
    application = applications.withdraw_application(db, receipt_code, requester=requester, now=now)
    return _status_out(db, application)


@router.post(
    "/applications/{receipt_code}/opinions",
    response_model=ApplicationStatusOut,
    status_code=201,
    responses=error_responses(429),
)
def record_opinion_by_receipt(
    receipt_code: str, body: OpinionIn, db: DbSession, now: Now, requester: ClientKey
) -> ApplicationStatusOut:
    """A representative's opinion on the meeting, sent with the receipt code
    of an approved application; 201 with the application's status."""
    opinion = opinions.record_opinion_by_receipt(
        db,
        receipt_code,
        body.body,
        now,
        requester=requester,
        agenda_item_id=body.agenda_item_id,
        publish_answer=body.publish_answer,
    )
    return _status_out(db, opinion.application)
