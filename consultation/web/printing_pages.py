"""A consultation that travels (docs/printing.md): the A4 office notice as a page and a PDF,
and the staff press kit with the same words for the newspaper and the WeChat account."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from consultation import drafts
from consultation.models import ConsultationDraft
from consultation.printing import draft_sheet
from publisher.printing.sheet import NoticeSheet
from publisher.web.auth import Editor
from publisher.web.deps import DbSession, IdPath, Now
from publisher.web.printing import pdf_response, press_page, print_page
from publisher.web.render import site_url

router = APIRouter(tags=["consultation print pages"], include_in_schema=False)


def sheet_of(request: Request, draft: ConsultationDraft) -> NoticeSheet:
    settings = request.app.state.settings
    url = site_url(request, f"/consultations/{draft.id}")
    return draft_sheet(draft, url, settings.site_organiser, settings.site_contact)


@router.get("/consultations/{draft_id}/print", response_class=HTMLResponse)
def consultation_print_page(
    draft_id: IdPath, request: Request, db: DbSession, now: Now
) -> HTMLResponse:
    """The consultation laid out as an A4 office notice, for a notice board."""
    draft = drafts.get_public_draft(db, draft_id, now)
    back = f"/consultations/{draft_id}"
    return print_page(request, sheet_of(request, draft), f"{back}/notice.pdf", back)


@router.get("/consultations/{draft_id}/notice.pdf")
def consultation_notice_pdf(
    draft_id: IdPath, request: Request, db: DbSession, now: Now
) -> Response:
    """The same notice as an A4 PDF with its Chinese font embedded."""
    draft = drafts.get_public_draft(db, draft_id, now)
    filename = f"consultation-{draft.id}.pdf"
    return pdf_response(request, sheet_of(request, draft), filename)


@router.get("/staff/consultations/{draft_id}/press", response_class=HTMLResponse)
def consultation_press_page(
    draft_id: IdPath, request: Request, principal: Editor, db: DbSession
) -> HTMLResponse:
    """The press kit: the draft's notice text for newspapers and WeChat, and its A4 PDF."""
    sheet = sheet_of(request, drafts.get_draft(db, draft_id))
    back = f"/staff/consultations/{draft_id}"
    return press_page(request, principal, sheet, f"{back}/press.pdf", back)


@router.get("/staff/consultations/{draft_id}/press.pdf")
def consultation_press_pdf(
    draft_id: IdPath, request: Request, principal: Editor, db: DbSession
) -> Response:
    """The A4 PDF of a draft's notice, published or not yet."""
    draft = drafts.get_draft(db, draft_id)
    filename = f"consultation-{draft.id}.pdf"
    return pdf_response(request, sheet_of(request, draft), filename)
