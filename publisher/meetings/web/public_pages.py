"""Public pages of meeting pre-disclosure, in Simplified Chinese.

The receipt code travels only in POST bodies on pages (never in a URL, so it does not land in
access logs, browser history or Referer headers): the status page is a form.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Annotated, Any

import segno
from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup
from sqlalchemy.orm import Session

from publisher.errors import NotFound, PublisherError, TooManyRequests
from publisher.meetings import (
    agenda,
    applications,
    attendance,
    intake,
    listing,
    notices,
    opinions,
)
from publisher.meetings.models import (
    AgendaDocument,
    AgendaItem,
    MeetingApplication,
    MeetingNotice,
    MeetingOutcome,
    NoticeRevision,
    RepresentativeOpinion,
)
from publisher.meetings.printing import notice_sheet
from publisher.meetings.public_answers import count_public_answers
from publisher.meetings.vocabulary import ApplicationStatus, RepresentativeCategory
from publisher.meetings.web.schemas import ApplicationStatusOut, NoticeListItem, NoticeOut
from publisher.printing.sheet import NoticeSheet
from publisher.rules.predisclosure import MeetingKind
from publisher.settings import Settings
from publisher.web.caching import personal
from publisher.web.deps import Blobs, ClientKey, DbSession, IdPath, Now
from publisher.web.errors import status_for, with_retry_after
from publisher.web.memory import (
    RenderedPage,
    answers_from_memory,
    memory_form_page,
    memory_page,
    new_form_token,
    page_hit,
)
from publisher.web.printing import pdf_response, print_page
from publisher.web.render import page, site_url
from publisher.web.responses import blob_download

router = APIRouter(tags=["meeting pages"], include_in_schema=False)


def _page(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    # the list is for shared caches (publisher.web.caching); a notice's page has a form
    cache = None if name == "meetings/list.html" else "no-store"
    return page(request, name, status=status, cache_control=cache, **context)


#: rows per page of the public list
LIST_PAGE_SIZE = 50
#: the tracked tables the public list reads (places taken are re-read, see `meetings_page`)
LIST_WATCHES = (MeetingNotice.__tablename__,)


@router.get("/meetings", response_class=HTMLResponse)
async def meetings_page(
    request: Request,
    page_number: Annotated[int, Query(alias="page", ge=1, le=100_000)] = 1,
) -> Response:
    """Upcoming meetings soonest first, then past ones latest first, 50 a page; kept in memory
    until the meetings' tables change or time alone changes the list (`publisher.web.memory`)."""

    def render(db: Session, now: dt.datetime) -> RenderedPage:
        shown = listing.public_listing(db, now, page_number, LIST_PAGE_SIZE)
        if page_number > shown.count:
            raise NotFound(
                f"The list has {shown.count} pages.",
                f"会议列表共{shown.count}页，没有第{page_number}页。",
            )
        notices = [*shown.upcoming, *shown.past]
        taken = applications.places_taken(db, [n.id for n in notices])
        response = _page(
            request,
            "meetings/list.html",
            upcoming=[NoticeListItem.of(n, now, taken.get(n.id, 0)) for n in shown.upcoming],
            past=[NoticeListItem.of(n, now, taken.get(n.id, 0)) for n in shown.past],
            page_number=shown.number,
            page_count=shown.count,
            follow_kinds=[(kind.value, kind.label_zh) for kind in MeetingKind],
        )
        recheck = None
        if any(applications.applications_open(n, now) for n in notices):
            # places taken are not a tracked table (the intake does not pay for a generation
            # row): a page that says "接受参会申请" is re-read once per check interval
            settings: Settings = request.app.state.settings
            recheck = settings.cache_check_seconds
        return RenderedPage(response, shown.steady_from, shown.steady_until, recheck)

    canonical = ("", f"page={page_number}")  # anything else is rendered, not kept
    return await memory_page(request, "meetings.list", LIST_WATCHES, render, canonical)


answers_from_memory(meetings_page, page_hit("meetings.list", LIST_WATCHES))


def _detail(
    request: Request,
    db: DbSession,
    meeting_id: int,
    now: dt.datetime,
    status: int = 200,
    **extra: Any,
) -> HTMLResponse:
    """A meeting's page rendered for this answer alone (a refused application's, with what
    the person typed), its form with a token of its own."""
    notice = notices.get_public_notice(db, meeting_id, now)
    return _detail_of(request, db, notice, now, new_form_token(), status=status, **extra)


def _detail_of(
    request: Request,
    db: Session,
    notice: MeetingNotice,
    now: dt.datetime,
    form_token: str,
    status: int = 200,
    **extra: Any,
) -> HTMLResponse:
    return _page(
        request,
        "meetings/detail.html",
        status=status,
        notice=NoticeOut.one(db, notice, now),
        categories=list(RepresentativeCategory),
        public_answer_count=count_public_answers(db, notice.id),
        form_token=form_token,  # a double submission is one application
        **extra,
    )


#: the tables a meeting's page reads (applications and opinions, for the places taken and the
#: answers made public, are counted by each process alone: see `meeting_page`)
DETAIL_WATCHES = tuple(
    model.__tablename__
    for model in (
        MeetingNotice,
        NoticeRevision,
        AgendaItem,
        AgendaDocument,
        MeetingOutcome,
        MeetingApplication,
        RepresentativeOpinion,
    )
)
#: where each answer's own form token goes in the page kept in memory
_FORM_TOKEN_SLOT = f"form-token-{secrets.token_hex(16)}"


@router.get("/meetings/{meeting_id}", response_class=HTMLResponse)
@personal  # its form carries its own idempotency token
async def meeting_page(meeting_id: IdPath, request: Request) -> Response:
    """Kept in memory without its form's token (each answer gets a new one) until the
    meeting's tables change or its application window closes. Applications and opinions are
    counted by each process alone (the intake pays for no generation row): this process's
    are seen at once, another's within the check interval, after which the page is re-read."""

    def render(db: Session, now: dt.datetime) -> RenderedPage:
        notice = notices.get_public_notice(db, meeting_id, now)
        response = _detail_of(request, db, notice, now, _FORM_TOKEN_SLOT)
        valid_from, valid_until = listing.notice_steady(notice, now)
        settings: Settings = request.app.state.settings
        return RenderedPage(response, valid_from, valid_until, settings.cache_check_seconds)

    name = f"meetings.detail.{meeting_id}"
    return await memory_form_page(request, name, DETAIL_WATCHES, render, _FORM_TOKEN_SLOT)


@router.get("/meetings/{meeting_id}/attachments/{attachment_id}")
def download_attachment(
    request: Request,
    meeting_id: IdPath,
    attachment_id: IdPath,
    db: DbSession,
    now: Now,
    blobs: Blobs,
) -> Response:
    """A file of an agenda item, as uploaded; always a download (RFC 6266 name for Chinese)."""
    attachment = agenda.get_public_attachment(db, meeting_id, attachment_id, now)
    blob = agenda.open_blob(blobs, attachment)
    return blob_download(request, blob, attachment.media_type, attachment.filename)


def sheet_of(request: Request, notice: MeetingNotice) -> NoticeSheet:
    """The notice as an A4 office notice, issued by the site's organiser (docs/printing.md)."""
    settings = request.app.state.settings
    url = site_url(request, f"/meetings/{notice.id}")
    return notice_sheet(notice, url, settings.site_organiser, settings.site_contact)


@router.get("/meetings/{meeting_id}/print", response_class=HTMLResponse)
def meeting_print_page(
    meeting_id: IdPath, request: Request, db: DbSession, now: Now
) -> HTMLResponse:
    """The notice laid out as an A4 office notice, for a notice board."""
    notice = notices.get_public_notice(db, meeting_id, now)
    back = f"/meetings/{meeting_id}"
    return print_page(request, sheet_of(request, notice), f"{back}/notice.pdf", back)


@router.get("/meetings/{meeting_id}/notice.pdf")
def meeting_notice_pdf(meeting_id: IdPath, request: Request, db: DbSession, now: Now) -> Response:
    """The same notice as an A4 PDF with its Chinese font embedded."""
    notice = notices.get_public_notice(db, meeting_id, now)
    return pdf_response(request, sheet_of(request, notice), f"meeting-{notice.id}.pdf")


@router.post("/meetings/{meeting_id}/applications", response_class=HTMLResponse)
def application_form(
    meeting_id: IdPath,
    request: Request,
    db: DbSession,
    now: Now,
    requester: ClientKey,
    applicant_name: Annotated[str, Form(max_length=100)],
    phone: Annotated[str, Form(max_length=32)],
    category: Annotated[RepresentativeCategory, Form()],
    statement: Annotated[str, Form(max_length=5000)] = "",
    email: Annotated[str, Form(max_length=254)] = "",
    form_token: Annotated[str, Form(max_length=100)] = "",
    agenda_item_id: Annotated[str, Form(max_length=12)] = "",
) -> HTMLResponse:
    """On refusal the page comes back with everything the person typed, never emptied."""
    form = {
        "applicant_name": applicant_name,
        "phone": phone,
        "email": email,
        "category": category.value,
        "statement": statement,
        "agenda_item_id": agenda_item_id,
    }
    item = _item_id(agenda_item_id)
    data = intake.ApplicationInput(applicant_name, phone, category, statement, email, item)
    try:
        application, _ = intake.apply_to_attend(
            db,
            meeting_id,
            data,
            now,
            requester=requester,
            idempotency_key=form_token or None,
        )
    except NotFound:
        raise
    except PublisherError as exc:
        refused = _detail(
            request, db, meeting_id, now, status=status_for(exc), error=exc.message_zh, form=form
        )
        return with_retry_after(refused, exc)
    return _page(
        request,
        "meetings/receipt.html",
        status=201,
        receipt_code=application.receipt_code,
        title=application.notice.title,
        meeting_id=meeting_id,
        waitlisted=application.status == ApplicationStatus.WAITLISTED.value,
    )


def _item_id(value: str) -> int | None:
    """An agenda item chosen in a select box ('' for none; a stray value names none)."""
    value = value.strip()
    return int(value) if value.isdigit() and len(value) <= 9 else None


def _qr(code: str) -> Markup:
    """The check-in code as an inline SVG QR (its content is the code itself)."""
    svg = segno.make(code, error="m").svg_inline(scale=5, border=2)
    return Markup(svg.replace("<svg ", '<svg role="img" aria-label="签到二维码" ', 1))


@router.get("/applications/status", response_class=HTMLResponse)
def application_status_form(request: Request) -> HTMLResponse:
    return _page(request, "meetings/status.html")


def _refused(request: Request, exc: PublisherError) -> HTMLResponse:
    response = _page(request, "meetings/status.html", status=status_for(exc), error=exc.message_zh)
    return with_retry_after(response, exc)


def _status(
    request: Request,
    db: DbSession,
    receipt_code: str,
    requester: str,
    now: dt.datetime,
    **extra: Any,
) -> HTMLResponse:
    try:
        application = applications.application_by_receipt(
            db, receipt_code, requester=requester, now=now
        )
    except PublisherError as exc:
        return _refused(request, exc)
    found = ApplicationStatusOut.of(application, attendance.waiting_position(db, application))
    return _page(
        request,
        "meetings/status.html",
        result=found,
        items=application.notice.agenda_items,
        checkin_qr=_qr(found.checkin_code) if found.checkin_code else None,
        **extra,
    )


@router.post("/applications/status", response_class=HTMLResponse)
def application_status_page(
    request: Request,
    db: DbSession,
    now: Now,
    requester: ClientKey,
    receipt_code: Annotated[str, Form(max_length=40)],
) -> HTMLResponse:
    return _status(request, db, receipt_code, requester, now)


@router.get("/a/{receipt_code}", response_class=HTMLResponse)
@personal  # a receipt's status
def application_short_link(
    request: Request,
    db: DbSession,
    now: Now,
    requester: ClientKey,
    receipt_code: Annotated[str, Path(max_length=40)],
) -> HTMLResponse:
    """The short link in an applicant's e-mail and SMS: the status of that receipt code."""
    return _status(request, db, receipt_code, requester, now)


@router.post("/applications/opinions", response_class=HTMLResponse)
def opinion_form(
    request: Request,
    db: DbSession,
    now: Now,
    requester: ClientKey,
    receipt_code: Annotated[str, Form(max_length=40)],
    body: Annotated[str, Form(max_length=5000)],
    agenda_item_id: Annotated[str, Form(max_length=12)] = "",
    publish_answer: Annotated[str, Form(max_length=10)] = "",
) -> HTMLResponse:
    try:
        opinions.record_opinion_by_receipt(
            db,
            receipt_code,
            body,
            now,
            requester=requester,
            agenda_item_id=_item_id(agenda_item_id),
            publish_answer=bool(publish_answer),
        )
    except (NotFound, TooManyRequests) as exc:
        return _refused(request, exc)  # the code was not found or is limited: no second look-up
    except PublisherError as exc:
        return _status(request, db, receipt_code, requester, now, error=exc.message_zh)
    return _status(request, db, receipt_code, requester, now, saved=True)


@router.post("/applications/withdraw", response_class=HTMLResponse)
def withdraw_form(
    request: Request,
    db: DbSession,
    now: Now,
    requester: ClientKey,
    receipt_code: Annotated[str, Form(max_length=40)],
) -> HTMLResponse:
    """The applicant gives up their place or their turn; the page shows the new status."""
    try:
        applications.withdraw_application(db, receipt_code, requester=requester, now=now)
    except (NotFound, TooManyRequests) as exc:
        return _refused(request, exc)
    except PublisherError as exc:
        return _status(request, db, receipt_code, requester, now, error=exc.message_zh)
    return _status(request, db, receipt_code, requester, now, withdrawn=True)
