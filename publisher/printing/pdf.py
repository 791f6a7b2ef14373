"""The A4 office notice as a PDF (fpdf2), with a Chinese font embedded (subset) and the QR code
drawn as vector squares, so it prints sharp at any size and decodes from a scan.

The font is found at run time (`find_font`): `PUBLISHER_PDF_FONT`, else the first Debian CJK
font present. Without one the PDF is refused with `ServiceUnavailable` (503, in Chinese) rather
than drawn with missing glyphs or failing with a 500; docs/printing.md says what to install.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from pathlib import Path
from threading import Lock
from typing import TYPE_CHECKING

from publisher.errors import ServiceUnavailable
from publisher.printing import qr
from publisher.printing.sheet import NoticeSheet

if TYPE_CHECKING:
    from fpdf import FPDF

#: Debian's CJK fonts with TrueType outlines, in the order tried (package: path)
DEBIAN_FONTS: tuple[tuple[str, Path], ...] = (
    ("fonts-wqy-zenhei", Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")),
    ("fonts-wqy-microhei", Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")),
    ("fonts-droid-fallback", Path("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf")),
    ("fonts-arphic-uming", Path("/usr/share/fonts/truetype/arphic/uming.ttc")),
)
FONT_FAMILY = "cjk"
#: A4 in millimetres and the margins of an office notice
PAGE_WIDTH = 210.0
MARGIN = 20.0
QR_SIZE = 36.0

# fontTools reports each OpenType table it cannot subset (e.g. a bitmap table) at WARNING
logging.getLogger("fontTools.subset").setLevel(logging.ERROR)


def find_font(configured: Path | None) -> Path:
    """The font file to embed, or `ServiceUnavailable` naming what to install."""
    if configured is not None:
        if configured.is_file():
            return configured
        raise ServiceUnavailable(
            f"PUBLISHER_PDF_FONT={configured} does not exist; the PDF cannot be made.",
            f"PDF版暂时无法生成：服务器上配置的中文字体文件（{configured}）不存在。"
            "请联系网站管理员；您仍可使用本页的打印版。",
        )
    for _, path in DEBIAN_FONTS:
        if path.is_file():
            return path
    packages = " or ".join(name for name, _ in DEBIAN_FONTS[:2])
    raise ServiceUnavailable(
        f"No Chinese font for the PDF: install {packages}, or set PUBLISHER_PDF_FONT.",
        "PDF版暂时无法生成：服务器上没有可嵌入的中文字体。请联系网站管理员安装中文字体"
        "（如 fonts-wqy-zenhei）；您仍可使用本页的打印版。",
    )


def render_pdf(sheet: NoticeSheet, font: Path) -> bytes:
    """One A4 notice (more pages if the text is long): heading, title, facts, sections, the
    QR code to its page, contact, issuing office and date."""
    # lazy: fpdf2 is 17 MiB of every web process's memory for a page few ask for (#15)
    from fpdf import FPDF  # noqa: PLC0415

    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    pdf.set_title(sheet.title)
    pdf.set_author(sheet.issuer)
    pdf.set_lang("zh-CN")
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_auto_page_break(auto=True, margin=MARGIN)
    pdf.add_font(FONT_FAMILY, fname=str(font))
    pdf.add_page()
    width = PAGE_WIDTH - 2 * MARGIN

    pdf.set_font(FONT_FAMILY, size=13)
    pdf.set_text_color(160, 0, 0)
    pdf.cell(width, 8, sheet.heading, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_draw_color(160, 0, 0)
    pdf.set_line_width(0.6)
    pdf.line(MARGIN, pdf.get_y() + 1, PAGE_WIDTH - MARGIN, pdf.get_y() + 1)
    pdf.ln(5)
    pdf.set_text_color(0, 0, 0)
    pdf.set_font(FONT_FAMILY, size=18)
    pdf.multi_cell(width, 9, sheet.title, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)

    pdf.set_font(FONT_FAMILY, size=12)
    for label, text in sheet.facts:
        pdf.multi_cell(width, 7, f"{label}：{text}", new_x="LMARGIN", new_y="NEXT")
    for heading, text in sheet.sections:
        pdf.ln(2)
        pdf.set_font(FONT_FAMILY, size=13)
        pdf.multi_cell(width, 8, heading, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(FONT_FAMILY, size=12)
        for paragraph in text.strip().splitlines() or [""]:
            pdf.multi_cell(width, 7, paragraph.strip(), new_x="LMARGIN", new_y="NEXT")

    # the closing block: QR code on the left, contact, office and date on the right
    needed = QR_SIZE + 12
    if pdf.get_y() + needed > pdf.h - MARGIN:
        pdf.add_page()
    top = pdf.get_y() + 6
    _draw_qr(pdf, sheet.url, MARGIN, top, QR_SIZE)
    pdf.set_font(FONT_FAMILY, size=9)
    pdf.set_xy(MARGIN, top + QR_SIZE + 1)
    pdf.cell(QR_SIZE, 5, "扫码查看网上原文", align="C")
    right = MARGIN + QR_SIZE + 8
    pdf.set_xy(right, top)
    pdf.set_font(FONT_FAMILY, size=11)
    block = width - QR_SIZE - 8
    if sheet.contact:
        pdf.multi_cell(block, 6, f"联系方式：{sheet.contact}", new_x="LEFT", new_y="NEXT")
    pdf.multi_cell(block, 6, f"网址：{sheet.url}", new_x="LEFT", new_y="NEXT")
    pdf.ln(6)
    pdf.set_font(FONT_FAMILY, size=12)
    pdf.multi_cell(block, 7, sheet.issuer, align="R", new_x="LEFT", new_y="NEXT")
    pdf.multi_cell(block, 7, sheet.issued_zh, align="R", new_x="LEFT", new_y="NEXT")
    return bytes(pdf.output())


def _draw_qr(pdf: FPDF, url: str, x: float, y: float, size: float) -> None:
    modules = qr.matrix(url)
    quiet = 2  # modules of white border inside the drawn square (the page is white around it)
    step = size / (len(modules) + 2 * quiet)
    pdf.set_fill_color(0, 0, 0)
    for row, cells in enumerate(modules):
        column = 0
        while column < len(cells):  # one rectangle per run of dark modules
            if not cells[column]:
                column += 1
                continue
            start = column
            while column < len(cells) and cells[column]:
                column += 1
            left, top = x + (start + quiet) * step, y + (row + quiet) * step
            pdf.rect(left, top, (column - start) * step, step, style="F")


class PdfCache:
    """The last PDFs made, by the version of what they show: a notice board's worth of
    downloads costs one rendering (about half a second with a 17 MB font) per change. The
    key is the sheet itself (a frozen dataclass of every word shown) and the font."""

    def __init__(self, max_entries: int = 32) -> None:
        self._bodies: OrderedDict[tuple[NoticeSheet, Path], bytes] = OrderedDict()
        self._max = max_entries
        self._lock = Lock()

    def get(self, sheet: NoticeSheet, font: Path) -> bytes:
        key = (sheet, font)
        with self._lock:
            if key in self._bodies:
                self._bodies.move_to_end(key)
                return self._bodies[key]
        body = render_pdf(sheet, font)
        with self._lock:
            self._bodies[key] = body
            while len(self._bodies) > self._max:
                self._bodies.popitem(last=False)
        return body


PDFS = PdfCache()
