"""Attachments of a draft decision (决策依据、起草说明…): PDF or DOCX, kept exactly as uploaded.

The type is decided by the content, never by the file name: a renamed executable is refused.
The bytes are stored content-addressed by SHA-256 in the blob store (`publisher.blobs`: the
database on PostgreSQL, the data dir on SQLite), durably, before the row is written, so a row
never points at missing bytes. A text version is extracted once at upload for reading on a
phone; a scanned PDF yields an empty text, and the pages say so instead of showing nothing.

Uploads are hostile input (issue #19: a 712 KB DOCX unpacked to 190 MB of XML). A DOCX is
checked from its central directory before anything is parsed: member count, total unpacked
size, and each large member's compression ratio; then every member's CRC is checked, reading
no more than the declared sizes (Python's zipfile never inflates past a member's declared
size, so declared sizes are a real bound). The extracted text stops at a character, page and
time budget; a truncated text says so on its public page, which is shown in pages.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import re
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from consultation.drafts import get_draft, get_public_draft
from consultation.models import ConsultationAttachment
from publisher.blobs.store import BlobStore, StoredBlob

# re-exported (`X as X`): the draft's pages and the tests name them here
from publisher.blobs.uploads import (
    DOCX as DOCX,
)
from publisher.blobs.uploads import (
    EXTENSIONS as EXTENSIONS,
)
from publisher.blobs.uploads import (
    MAX_DOCX_MEMBERS as MAX_DOCX_MEMBERS,
)
from publisher.blobs.uploads import (
    MAX_DOCX_UNPACKED as MAX_DOCX_UNPACKED,
)
from publisher.blobs.uploads import (
    MAX_FILENAME_CHARS as MAX_FILENAME_CHARS,
)
from publisher.blobs.uploads import (
    MAX_MEMBER_RATIO as MAX_MEMBER_RATIO,
)
from publisher.blobs.uploads import (
    MAX_TITLE_CHARS as MAX_TITLE_CHARS,
)
from publisher.blobs.uploads import (
    PDF as PDF,
)
from publisher.blobs.uploads import (
    RATIO_CHECKED_FROM as RATIO_CHECKED_FROM,
)
from publisher.blobs.uploads import (
    TYPE_LABELS_ZH as TYPE_LABELS_ZH,
)
from publisher.blobs.uploads import (
    check_docx_archive as check_docx_archive,
)
from publisher.blobs.uploads import (
    checked_upload as checked_upload,
)
from publisher.blobs.uploads import (
    human_size as human_size,
)
from publisher.blobs.uploads import (
    sanitise_filename as sanitise_filename,
)
from publisher.blobs.uploads import (
    sniff_media_type as sniff_media_type,
)
from publisher.blobs.uploads import (
    type_label as type_label,
)
from publisher.errors import NotFound, ValidationFailed
from publisher.radicals import fold_radicals
from publisher.staff import audit
from publisher.staff.principal import StaffPrincipal
from publisher.storage.db import write_unit

log = logging.getLogger(__name__)

#: the text version stops here (about 250 printed pages of Chinese); the original is complete
MAX_TEXT_CHARS = 500_000
MAX_PDF_PAGES = 2000
#: extraction stops after this long, checked between pages and paragraphs
MAX_EXTRACTION_SECONDS = 20.0
#: the public text version is shown in pages of about this many characters
TEXT_PAGE_CHARS = 20_000
NO_TEXT_ZH = "该文件无法提取文字，请下载原件阅读"

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def clean_text(text: str) -> str:
    """One paragraph per line, no control characters (PostgreSQL refuses NUL in text), radical
    code points folded to the characters they stand for (``⼈⺠`` → ``人民``)."""
    text = _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = fold_radicals(text)
    lines = [line.strip() for line in text.split("\n")]
    return "\n".join(line for line in lines if line)


@dataclass(frozen=True)
class ExtractedText:
    text: str
    #: the text stops before the end of the original (a character, page or time budget)
    truncated: bool = False


def extract_text(data: bytes, media_type: str) -> ExtractedText:
    """Best effort: a file that cannot be read as text is still kept and offered for download."""
    try:
        pieces = _pdf_pieces(data) if media_type == PDF else _docx_pieces(data)
        return _within_budget(pieces, MAX_TEXT_CHARS, time.monotonic() + MAX_EXTRACTION_SECONDS)
    except Exception:
        log.warning("text extraction failed for a %s attachment", media_type, exc_info=True)
        return ExtractedText("")


def _within_budget(pieces: Iterable[str | None], max_chars: int, deadline: float) -> ExtractedText:
    """Clean pieces (pages, paragraphs) until the characters or the time run out; a None
    piece means the reader stopped before the end."""
    kept: list[str] = []
    used = 0
    for piece in pieces:
        if piece is None:
            return ExtractedText("\n".join(kept), truncated=True)
        cleaned = clean_text(piece)
        if cleaned:
            if used + len(cleaned) > max_chars:
                kept.append(cleaned[: max(max_chars - used, 0)].rstrip())
                return ExtractedText("\n".join(part for part in kept if part), truncated=True)
            kept.append(cleaned)
            used += len(cleaned) + 1
        if time.monotonic() > deadline:
            return ExtractedText("\n".join(kept), truncated=True)
    return ExtractedText("\n".join(kept))


def _pdf_pieces(data: bytes) -> Iterable[str | None]:
    from pypdf import PdfReader  # noqa: PLC0415  (lazy: heavy, only for uploads)

    # pypdf bounds each stream's decompression itself (pypdf.filters.ZLIB_MAX_OUTPUT_LENGTH)
    reader = PdfReader(io.BytesIO(data))
    for number, page in enumerate(reader.pages):
        if number == MAX_PDF_PAGES:
            yield None
            return
        yield page.extract_text() or ""


def _docx_pieces(data: bytes) -> Iterable[str | None]:
    import docx  # noqa: PLC0415  (lazy: heavy, only for uploads)

    document = docx.Document(io.BytesIO(data))
    for paragraph in document.paragraphs:
        yield paragraph.text
    for table in document.tables:
        for row in table.rows:
            yield " ".join(cell.text for cell in row.cells)


def add_attachment(
    session: Session,
    principal: StaffPrincipal,
    draft_id: int,
    title: str,
    filename: str,
    data: bytes,
    *,
    blobs: BlobStore,
    max_bytes: int,
    now: dt.datetime,
) -> ConsultationAttachment:
    """Validate, store the bytes, extract the text, add the row and its audit entry.

    Commits. The bytes are stored first (in their own durable write): a failed commit leaves
    at most an unused blob, never a row without its bytes; a refusal stores nothing."""
    title = (title or "").strip()
    if not title:
        raise ValidationFailed("title is required", "请填写附件标题", field="title")
    if len(title) > MAX_TITLE_CHARS:
        raise ValidationFailed(
            f"title: at most {MAX_TITLE_CHARS} characters",
            f"附件标题最多{MAX_TITLE_CHARS}字",
            field="title",
        )
    media_type = checked_upload(data, max_bytes)
    # Parse and write the file before taking SQLite's write lock: a large PDF must not make
    # citizens' comments queue behind it.
    extracted = extract_text(data, media_type)
    get_draft(session, draft_id)  # refused before any byte is stored (checked again below)
    digest = blobs.put(data)
    with write_unit(session):
        draft = get_draft(session, draft_id)
        attachment = ConsultationAttachment(
            draft_id=draft.id,
            title=title,
            filename=sanitise_filename(filename, media_type),
            media_type=media_type,
            size=len(data),
            sha256=digest,
            text=extracted.text,
            text_truncated=extracted.truncated,
            uploaded_at=now,
            uploaded_by=principal.username,
        )
        session.add(attachment)
        session.flush()
        # a public change (feeds see the draft as updated) but not of its deadline event
        draft.updated_at = now
        audit.record(
            session,
            principal,
            "consultation.attachment_add",
            "consultation_attachment",
            attachment.id,
            draft_id=draft.id,
            title=title,
            filename=attachment.filename,
            media_type=media_type,
            size=len(data),
            sha256=digest,
            text_truncated=extracted.truncated,
        )
    return attachment


def list_attachments(session: Session, draft_id: int) -> Sequence[ConsultationAttachment]:
    return session.scalars(
        select(ConsultationAttachment)
        .where(ConsultationAttachment.draft_id == draft_id)
        .order_by(ConsultationAttachment.id)
    ).all()


def list_with_text_flag(
    session: Session, draft_id: int
) -> list[tuple[ConsultationAttachment, bool]]:
    """Each attachment and whether it has a text version, without loading the texts."""
    rows = session.execute(
        select(ConsultationAttachment, ConsultationAttachment.text != "")
        .where(ConsultationAttachment.draft_id == draft_id)
        .order_by(ConsultationAttachment.id)
    ).all()
    return [(attachment, bool(has_text)) for attachment, has_text in rows]


def get_public_attachment(
    session: Session, draft_id: int, attachment_id: int, now: dt.datetime
) -> ConsultationAttachment:
    """404 unless the draft itself is public (a secret or unpublished draft shows nothing)."""
    get_public_draft(session, draft_id, now)
    attachment = session.get(ConsultationAttachment, attachment_id)
    if attachment is None or attachment.draft_id != draft_id:
        raise NotFound(f"No attachment {attachment_id}.", f"未找到编号为{attachment_id}的附件。")
    return attachment


def open_blob(blobs: BlobStore, attachment: ConsultationAttachment) -> StoredBlob:
    """The attachment's bytes in the configured store; 404 (logged) when they are not there,
    e.g. a file left in one machine's data dir (`publisher blobs migrate` moves it)."""
    found = blobs.find(attachment.sha256)
    if found is None:
        log.error(
            "attachment %s: blob %s is missing (%s store)",
            attachment.id,
            attachment.sha256,
            blobs.name,
        )
        raise NotFound(
            "The attachment's file is not available.", "附件文件暂时无法提供，请稍后再试。"
        )
    return found


def paragraphs(text: str) -> list[str]:
    return [line for line in text.split("\n") if line.strip()]


def text_pages(text: str, page_chars: int = TEXT_PAGE_CHARS) -> list[list[str]]:
    """The text's paragraphs in pages of about `page_chars` characters, never splitting one
    paragraph across pages unless it alone is longer than a page."""
    pages: list[list[str]] = []
    current: list[str] = []
    size = 0
    for paragraph in paragraphs(text):
        for start in range(0, len(paragraph), page_chars):
            chunk = paragraph[start : start + page_chars]
            if current and size + len(chunk) > page_chars:
                pages.append(current)
                current, size = [], 0
            current.append(chunk)
            size += len(chunk)
    if current:
        pages.append(current)
    return pages
