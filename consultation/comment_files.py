"""A citizen's file attached to a comment (issue #16 item 4): checked by its content and cleaned
before the comment's write unit, so that the unit only stores bytes already known good.

Accepted: PDF and DOCX (sniffed as draft attachments are, `consultation.attachments`), JPEG and
PNG (by their magic bytes, then decoded by Pillow). What is kept is a cleaned copy, never the
upload itself:

- an image is decoded and re-encoded, so no EXIF (GPS position, camera, owner), XMP or comment
  survives; the EXIF orientation is applied to the pixels first, so a phone photo stays upright;
- a PDF is rewritten by pypdf without its document information (/Info: Author, Creator,
  Producer…) and its XMP metadata stream;
- a DOCX keeps its parts byte for byte except `docProps/core.xml` (creator, last modified by)
  and `docProps/app.xml` (company, manager), whose personal fields are emptied.

What is not cleaned, and why staff approval is still the check before anything is public: the
text and pictures inside a document, and a DOCX's tracked-change and comment authors
(docs/privacy.md).
"""

from __future__ import annotations

import io
import unicodedata
import zipfile
from dataclasses import dataclass

from lxml import etree
from PIL import Image, ImageOps, UnidentifiedImageError

from consultation.attachments import DOCX, PDF, check_docx_archive, sniff_media_type
from publisher.errors import PayloadTooLarge, ValidationFailed

JPEG = "image/jpeg"
PNG = "image/png"
EXTENSIONS = {PDF: ".pdf", DOCX: ".docx", JPEG: ".jpg", PNG: ".png"}
TYPE_LABELS_ZH = {PDF: "PDF", DOCX: "Word（DOCX）", JPEG: "JPEG 图片", PNG: "PNG 图片"}
#: a picture larger than this many pixels is refused before it is decoded (a photograph from
#: a phone is 12–50 million; a decompression bomb is billions)
MAX_IMAGE_PIXELS = 60_000_000
MAX_FILENAME_CHARS = 120
JPEG_QUALITY = 90

_CORE_PERSONAL = (
    "{http://purl.org/dc/elements/1.1/}creator",
    "{http://schemas.openxmlformats.org/package/2006/metadata/core-properties}lastModifiedBy",
)
_APP_PERSONAL = (
    "{http://schemas.openxmlformats.org/officeDocument/2006/extended-properties}Company",
    "{http://schemas.openxmlformats.org/officeDocument/2006/extended-properties}Manager",
)


@dataclass(frozen=True)
class FileLimits:
    """From the settings (docs/configuration.md): each file, and all of one comment's."""

    max_file_bytes: int
    max_count: int
    max_total_bytes: int


@dataclass(frozen=True)
class CleanFile:
    """An upload checked and cleaned: what the comment's unit stores."""

    filename: str
    media_type: str
    data: bytes


@dataclass(frozen=True)
class Upload:
    filename: str
    data: bytes


def sniff(data: bytes) -> str | None:
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    return sniff_media_type(data)


def _refuse(en: str, zh: str) -> ValidationFailed:
    return ValidationFailed(en, zh, field="files")


def check_files(uploads: list[Upload], limits: FileLimits) -> list[CleanFile]:
    """Every file checked and cleaned, or a refusal (English and Chinese) naming the file."""
    uploads = [u for u in uploads if u.data or u.filename]
    if len(uploads) > limits.max_count:
        raise _refuse(
            f"At most {limits.max_count} files can be attached to a comment.",
            f"每条意见最多上传 {limits.max_count} 个附件。",
        )
    total = sum(len(u.data) for u in uploads)
    if total > limits.max_total_bytes:
        raise PayloadTooLarge(
            f"The files together are larger than {limits.max_total_bytes} bytes.",
            f"附件合计超过 {_mb(limits.max_total_bytes)} 的上限。",
            limit=limits.max_total_bytes,
        )
    return [_check_one(u, limits) for u in uploads]


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):g} MB"


def _check_one(upload: Upload, limits: FileLimits) -> CleanFile:
    shown = display_name(upload.filename) or "附件"
    if not upload.data:
        raise _refuse(f"The file {shown!r} is empty.", f"附件“{shown}”是空文件。")
    if len(upload.data) > limits.max_file_bytes:
        raise PayloadTooLarge(
            f"The file {shown!r} is larger than {limits.max_file_bytes} bytes.",
            f"附件“{shown}”超过了每个文件 {_mb(limits.max_file_bytes)} 的上限。",
            limit=limits.max_file_bytes,
        )
    media_type = sniff(upload.data)
    if media_type is None:
        raise _refuse(
            f"The file {shown!r} is not a PDF, DOCX, JPEG or PNG file (checked by content, "
            "not by name).",
            f"附件“{shown}”不是 PDF、Word（DOCX）、JPEG 或 PNG 文件"
            "（系统按文件内容识别类型，与文件名无关）。",
        )
    if media_type in (JPEG, PNG):
        data = clean_image(upload.data, media_type, shown)
    elif media_type == PDF:
        data = clean_pdf(upload.data, shown)
    else:
        check_docx_archive(upload.data)
        data = clean_docx(upload.data, shown)
    return CleanFile(sanitise_filename(upload.filename, media_type), media_type, data)


def clean_image(data: bytes, media_type: str, shown: str) -> bytes:
    """Decoded and encoded again: pixels only, upright, no metadata."""
    damaged = _refuse(
        f"The picture {shown!r} cannot be read.", f"图片“{shown}”已损坏或无法识别，请重新选择。"
    )
    try:
        with Image.open(io.BytesIO(data)) as image:
            expected = "JPEG" if media_type == JPEG else "PNG"
            if image.format != expected:
                raise damaged
            width, height = image.size
            if width * height > MAX_IMAGE_PIXELS:
                raise _refuse(
                    f"The picture {shown!r} is too large ({width}×{height} pixels).",
                    f"图片“{shown}”像素过多（{width}×{height}），请缩小后上传。",
                )
            image.load()
            upright = ImageOps.exif_transpose(image)
    except (OSError, UnidentifiedImageError, ValueError, SyntaxError, Image.DecompressionBombError):
        raise damaged from None
    clean = upright.copy()
    # only what is about the pixels themselves survives: no EXIF, XMP, text chunks, comments
    clean.info = {k: upright.info[k] for k in ("transparency", "icc_profile") if k in upright.info}
    out = io.BytesIO()
    if media_type == JPEG:
        if clean.mode not in ("L", "RGB", "CMYK"):
            clean = clean.convert("RGB")
        clean.save(out, "JPEG", quality=JPEG_QUALITY, icc_profile=clean.info.get("icc_profile"))
    else:
        clean.save(out, "PNG")
    return out.getvalue()


def clean_pdf(data: bytes, shown: str) -> bytes:
    """Rewritten without /Info and the XMP metadata stream; an encrypted or unreadable PDF is
    refused (staff could not read it either)."""
    from pypdf import PdfReader, PdfWriter  # noqa: PLC0415  (lazy: heavy, only for uploads)
    from pypdf.errors import PyPdfError  # noqa: PLC0415  (with it)

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise _refuse(
                f"The PDF {shown!r} is password-protected.",
                f"PDF 文件“{shown}”设有密码，请去除密码后再上传。",
            )
        writer = PdfWriter(clone_from=reader)
        writer.metadata = None
        root = writer.root_object
        if "/Metadata" in root:
            del root["/Metadata"]
        out = io.BytesIO()
        writer.write(out)
    except (PyPdfError, OSError, ValueError, KeyError, TypeError, RecursionError):
        raise _refuse(
            f"The PDF {shown!r} cannot be read.",
            f"PDF 文件“{shown}”已损坏或无法读取，请重新导出后上传。",
        ) from None
    return out.getvalue()


def clean_docx(data: bytes, shown: str) -> bytes:
    """The same parts, with the personal fields of the document properties emptied."""
    out = io.BytesIO()
    try:
        with (
            zipfile.ZipFile(io.BytesIO(data)) as source,
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
        ):
            for member in source.infolist():
                content = source.read(member)
                if member.filename == "docProps/core.xml":
                    content = _emptied(content, _CORE_PERSONAL)
                elif member.filename == "docProps/app.xml":
                    content = _emptied(content, _APP_PERSONAL)
                target.writestr(member, content)
    except (zipfile.BadZipFile, etree.XMLSyntaxError, ValueError):
        raise _refuse(
            f"The DOCX {shown!r} cannot be read.",
            f"Word 文件“{shown}”已损坏，请用 Word 重新保存后上传。",
        ) from None
    return out.getvalue()


def _emptied(xml: bytes, tags: tuple[str, ...]) -> bytes:
    # a parser per call: lxml parsers are not safe to share between request threads
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    root = etree.fromstring(xml, parser=parser)
    for tag in tags:
        for element in root.iter(tag):
            element.text = None
            for child in list(element):
                element.remove(child)
    out: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    return out


def display_name(name: str) -> str:
    base = unicodedata.normalize("NFC", name or "").replace("\\", "/").rsplit("/", 1)[-1]
    return "".join(ch for ch in base if ch.isprintable())[:MAX_FILENAME_CHARS].strip()


def sanitise_filename(name: str, media_type: str) -> str:
    """Staff's copy of the name: no path, no control or reserved characters, always ending in
    the real type's extension (a ``.jpeg`` stays as the commenter named it)."""
    base = display_name(name)
    for ch in '"\\/:*?<>|':
        base = base.replace(ch, "_")
    base = base.strip(" .")
    extension = EXTENSIONS[media_type]
    allowed = (extension, ".jpeg") if media_type == JPEG else (extension,)
    stem, dot, ext = base.rpartition(".")
    if dot and "." + ext.lower() in allowed and stem.strip(" ."):
        return base
    return (base or "附件") + extension


def type_label(media_type: str) -> str:
    return TYPE_LABELS_ZH.get(media_type, media_type)
