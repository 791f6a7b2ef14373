"""Attachments of a draft decision (决策依据、起草说明…): PDF or DOCX, kept exactly as uploaded.

The type is decided by the content, never by the file name: a renamed executable is refused.
The bytes are stored content-addressed under `<data_dir>/attachments/<sha256>`, durably (temp
file, fsync, `os.replace`), before the row is written, so a row never points at a missing
file. A text version is extracted once at upload for reading on a phone; a scanned PDF yields
an empty text, and the pages say so instead of showing nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import logging
import os
import re
import tempfile
import unicodedata
import zipfile
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from consultation.drafts import get_draft, get_public_draft
from consultation.models import ConsultationAttachment
from publisher.errors import NotFound, PayloadTooLarge, ValidationFailed
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
#: a DOCX whose parts unpack to more than this is refused (a zip bomb, not a document)
MAX_DOCX_UNPACKED = 200 * 1024 * 1024
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
    """One paragraph per line, no control characters (PostgreSQL refuses NUL in text)."""
    text = _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    lines = [line.strip() for line in text.split("\n")]
    return "\n".join(line for line in lines if line)


def extract_text(data: bytes, media_type: str) -> str:
    """Best effort: a file that cannot be read as text is still kept and offered for download."""
    try:
        if media_type == PDF:
            return clean_text(_pdf_text(data))
        return clean_text(_docx_text(data))
    except Exception:
        log.warning("text extraction failed for a %s attachment", media_type, exc_info=True)
        return ""


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader  # noqa: PLC0415  (lazy: heavy, only for uploads)

    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def _docx_text(data: bytes) -> str:
    import docx  # noqa: PLC0415  (lazy: heavy, only for uploads)

    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append(" ".join(cell.text for cell in row.cells))
    return "\n".join(parts)


def _check_docx_size(data: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        unpacked = sum(info.file_size for info in archive.infolist())
    if unpacked > MAX_DOCX_UNPACKED:
        raise ValidationFailed(
            "The DOCX file unpacks to an unreasonable size.",
            "该 DOCX 文件解压后过大，无法作为附件上传。",
        )


def blob_path(data_dir: Path, sha256: str) -> Path:
    if not re.fullmatch(r"[0-9a-f]{64}", sha256):
        raise ValueError("not a SHA-256 hex digest")
    return data_dir / "attachments" / sha256


def store_blob(data_dir: Path, data: bytes) -> str:
    """Write the bytes durably under their SHA-256; the same content is stored once."""
    digest = hashlib.sha256(data).hexdigest()
    target = blob_path(data_dir, digest)
    if target.exists() and target.stat().st_size == len(data):
        return digest
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".upload-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    dir_fd = os.open(target.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)  # the rename itself must survive a crash
    finally:
        os.close(dir_fd)
    return digest


def add_attachment(
    session: Session,
    principal: StaffPrincipal,
    draft_id: int,
    title: str,
    filename: str,
    data: bytes,
    *,
    data_dir: Path,
    max_bytes: int,
    now: dt.datetime,
) -> ConsultationAttachment:
    """Validate, store the bytes, extract the text, add the row and its audit entry.

    Commits. The file is written first: a refusal or failed commit leaves at most
    an unused file, never a row without its file."""
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
        _check_docx_size(data)
    # Parse and write the file before taking SQLite's write lock: a large PDF must not make
    # citizens' comments queue behind it.
    text = extract_text(data, media_type)
    digest = store_blob(data_dir, data)
    with write_unit(session):
        draft = get_draft(session, draft_id)
        attachment = ConsultationAttachment(
            draft_id=draft.id,
            title=title,
            filename=sanitise_filename(filename, media_type),
            media_type=media_type,
            size=len(data),
            sha256=digest,
            text=text,
            uploaded_at=now,
            uploaded_by=principal.username,
        )
        session.add(attachment)
        session.flush()
        draft.sequence += 1  # a public change: feeds see the draft as updated
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


def open_blob(data_dir: Path, attachment: ConsultationAttachment) -> Path:
    path = blob_path(data_dir, attachment.sha256)
    if not path.is_file():
        log.error("attachment %s: file %s is missing", attachment.id, path)
        raise NotFound(
            "The attachment's file is not available.", "附件文件暂时无法提供，请稍后再试。"
        )
    return path


def human_size(size: int) -> str:
    """Sizes as people read them: KB under a megabyte, else MB."""
    if size < 1024 * 1024:
        return f"{max(size / 1024, 0.1):.1f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def type_label(media_type: str) -> str:
    return TYPE_LABELS_ZH.get(media_type, media_type)


def paragraphs(text: str) -> list[str]:
    return [line for line in text.split("\n") if line.strip()]
