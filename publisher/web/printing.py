"""Notices that travel, as HTTP: the A4 print page, the PDF download and the staff press kit
of a `NoticeSheet` a feature hands over.

The web kit names no feature: each feature's routes build the sheet and call these.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from publisher.printing.pdf import PDFS, find_font
from publisher.printing.sheet import NoticeSheet
from publisher.settings import Settings
from publisher.staff.principal import StaffPrincipal
from publisher.web.render import page, render


def print_page(request: Request, sheet: NoticeSheet, pdf_url: str, back_url: str) -> HTMLResponse:
    """The A4 office notice as a page; printed, `print.css` leaves only the sheet."""
    return page(request, "printing/notice.html", sheet=sheet, pdf_url=pdf_url, back_url=back_url)


def pdf_response(request: Request, sheet: NoticeSheet, filename: str) -> Response:
    """The sheet as an A4 PDF with the Chinese font embedded; 503 in Chinese without a font.

    The body is made once per sheet (every word it shows) and font, and kept in memory."""
    settings: Settings = request.app.state.settings
    font = find_font(settings.pdf_font)
    body = PDFS.get(sheet, font)
    return Response(
        body,
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{filename}"'},
    )


def press_page(
    request: Request, principal: StaffPrincipal, sheet: NoticeSheet, pdf_url: str, back_url: str
) -> HTMLResponse:
    """The staff press kit: the plain text for the newspaper and the WeChat account, and the
    A4 PDF, the same words as the site (第五条's channels)."""
    return render(
        request,
        "staff/press.html",
        principal,
        sheet=sheet,
        text=sheet.plain_text(),
        pdf_url=pdf_url,
        back_url=back_url,
    )
