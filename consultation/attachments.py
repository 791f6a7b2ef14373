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
import unicodedata
import zipfile
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from consultation.drafts import get_draft, get_public_draft
from consultation.models import ConsultationAttachment
from publisher.blobs.store import BlobStore, StoredBlob
from publisher.errors import NotFound, PayloadTooLarge, ValidationFailed
from publisher.radicals import fold_radicals
from publisher.staff import audit
from publisher.staff.principal import StaffPrincipal
from publisher.storage.db import write_unit

log = logging.getLogger(__name__)

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
EXTENSIONS = {PDF: ".pdf", DOCX: ".docx"}
TYPE_LABELS_ZH = {PDF: "PDF", DOCX: "Word（DOCX）"}
MAX_TITLE_CHARS = 200
MAX_FILENAME_CHARS = 120
#: a DOCX whose parts unpack to more than this is refused (a zip bomb, not a document); a long
#: Word document with photographs stays well under it
MAX_DOCX_UNPACKED = 32 * 1024 * 1024
MAX_DOCX_MEMBERS = 1000
#: a member larger than RATIO_CHECKED_FROM may unpack to at most this many times its packed
#: size: Word's XML packs 5–30×, photographs about 1×; a bomb packs over 1000×
MAX_MEMBER_RATIO = 200
RATIO_CHECKED_FROM = 2 * 1024 * 1024
#: the text version stops here (about 250 printed pages of Chinese); the original is complete
MAX_TEXT_CHARS = 500_000
MAX_PDF_PAGES = 2000
#: extraction stops after this long, checked between pages and paragraphs
MAX_EXTRACTION_SECONDS = 20.0
#: the public text version is shown in pages of about this many characters
TEXT_PAGE_CHARS = 20_000
NO_TEXT_ZH = "该文件无法提取文字，请下载原件阅读"

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_UNSAFE_NAME = re.compile(r'[\x00-\x1f\x7f"\\/:*?<>|]')


def sniff_media_type(data: bytes) -> str | None:
    """PDF by its magic `%PDF-`; DOCX as a zip holding `word/document.xml`; else None."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                if "word/document.xml" in archive.namelist():
                    return DOCX
        except (zipfile.BadZipFile, ValueError):
            return None
    return None


def sanitise_filename(name: str, media_type: str) -> str:
    """The base name without path or control characters, always ending in the real type's
    extension, so a download can never be saved as something executable."""
    base = unicodedata.normalize("NFC", name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = _UNSAFE_NAME.sub("_", base).strip(" .")
    extension = EXTENSIONS[media_type]
    stem = base[: -len(extension)] if base.lower().endswith(extension) else base
    stem = stem[:MAX_FILENAME_CHARS].strip(" .") or "attachment"
    return stem + extension


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


def check_docx_archive(data: bytes) -> None:
    """Refuse a DOCX that is a decompression bomb or corrupt, before any XML is parsed."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = archive.infolist()
        if len(members) > MAX_DOCX_MEMBERS:
            raise _bomb(f"it has {len(members)} parts (at most {MAX_DOCX_MEMBERS})")
        unpacked = sum(member.file_size for member in members)
        if unpacked > MAX_DOCX_UNPACKED:
            raise _bomb(f"it unpacks to {unpacked} bytes (at most {MAX_DOCX_UNPACKED})")
        for member in members:
            if member.file_size > RATIO_CHECKED_FROM and (
                member.file_size > MAX_MEMBER_RATIO * max(member.compress_size, 1)
            ):
                raise _bomb(f"part {member.filename!r} is packed over {MAX_MEMBER_RATIO}×")
        try:
            broken = archive.testzip()  # reads at most the declared sizes checked above
        except (zipfile.BadZipFile, zlib.error, NotImplementedError, EOFError) as exc:
            broken = str(exc) or type(exc).__name__
    if broken is not None:
        raise ValidationFailed(
            "The DOCX file is damaged (a part does not match its checksum); "
            "please save it again from Word and re-upload.",
            "该 DOCX 文件已损坏（部分内容校验不符），请用 Word 重新保存后再上传。",
            field="file",
        )


def _bomb(why: str) -> ValidationFailed:
    return ValidationFailed(
        f"The DOCX file cannot be accepted: {why}. An ordinary document is far smaller "
        f"unpacked ({MAX_DOCX_UNPACKED // (1024 * 1024)} MB at most).",
        f"该 DOCX 文件解压后过大或压缩比异常，不像普通的 Word 文档，无法作为附件上传"
        f"（解压后最多 {MAX_DOCX_UNPACKED // (1024 * 1024)} MB）。"
        "如确需公开，请另存为 PDF 后上传。",
        field="file",
    )


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
    if not data:
        raise ValidationFailed("The file is empty.", "请选择要上传的文件（文件不能为空）。")
    if len(data) > max_bytes:
        raise PayloadTooLarge(
            f"The file is larger than the limit of {max_bytes} bytes.",
            f"文件超过了 {max_bytes} 字节的上限。",
            limit=max_bytes,
        )
    media_type = sniff_media_type(data)
    if media_type is None:
        raise ValidationFailed(
            "Only PDF and DOCX files can be attached (checked by content, not by name).",
            "只能上传 PDF 或 DOCX（Word）文件；系统按文件内容识别类型，与文件名无关。",
            field="file",
        )
    if media_type == DOCX:
        check_docx_archive(data)
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


def human_size(size: int) -> str:
    """Sizes as people read them: KB under a megabyte, else MB."""
    if size < 1024 * 1024:
        return f"{max(size / 1024, 0.1):.1f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def type_label(media_type: str) -> str:
    return TYPE_LABELS_ZH.get(media_type, media_type)


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
