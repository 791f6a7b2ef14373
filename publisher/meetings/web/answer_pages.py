"""The public page of the answers representatives agreed to make public (issue #17 item 3)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from publisher.meetings import notices
from publisher.meetings.public_answers import public_answers
from publisher.web.deps import DbSession, IdPath, Now
from publisher.web.render import page

router = APIRouter(tags=["meeting pages"], include_in_schema=False)


@router.get("/meetings/{meeting_id}/answers", response_class=HTMLResponse)
def answers_page(meeting_id: IdPath, request: Request, db: DbSession, now: Now) -> HTMLResponse:
    notice = notices.get_public_notice(db, meeting_id, now)
    return page(
        request, "meetings/answers.html", notice=notice, answers=public_answers(db, notice.id)
    )
