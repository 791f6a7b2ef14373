"""An uploaded file's checks, shared by every feature that takes files (a draft's attachments,
a meeting's agenda documents): the type decided by the content, never by the name (PDF by its
magic, DOCX as a zip holding `word/document.xml`); a DOCX refused when it is a decompression
bomb or corrupt, before any XML is parsed; a download name that cannot be saved as something
executable; the size limit. `checked_upload` runs them all and returns the real media type.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
import zlib

from publisher.errors import PayloadTooLarge, ValidationFailed

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


def checked_upload(data: bytes, max_bytes: int) -> str:
    """The file's media type (PDF or DOCX) once it passes every check; a refusal otherwise."""
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
    return media_type


def human_size(size: int) -> str:
    """Sizes as people read them: KB under a megabyte, else MB."""
    if size < 1024 * 1024:
        return f"{max(size / 1024, 0.1):.1f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def type_label(media_type: str) -> str:
    return TYPE_LABELS_ZH.get(media_type, media_type)
