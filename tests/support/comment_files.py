"""Files a citizen might attach to a comment, each carrying planted personal data in its
metadata (made with the real libraries: Pillow, pypdf, python-docx)."""

from __future__ import annotations

import io

import docx
from PIL import ExifTags, Image
from PIL.PngImagePlugin import PngInfo
from pypdf import PdfWriter

PLANTED_NAME = "王秀英"
PLANTED_PHONE = "13687654321"


def jpeg_with_gps(name: str = PLANTED_NAME, phone: str = PLANTED_PHONE) -> bytes:
    """A photograph with EXIF: GPS position, the owner's name and number as Artist."""
    image = Image.new("RGB", (48, 32), (200, 40, 40))
    exif = Image.Exif()
    exif[ExifTags.Base.Artist] = f"{name} {phone}"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (34.0, 46.0, 30.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (111.0, 11.0, 50.0)
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def png_with_text(name: str = PLANTED_NAME, phone: str = PLANTED_PHONE) -> bytes:
    info = PngInfo()
    info.add_text("Author", f"{name} {phone}")
    out = io.BytesIO()
    Image.new("RGB", (20, 20), (0, 120, 0)).save(out, "PNG", pnginfo=info)
    return out.getvalue()


def pdf_with_author(name: str = PLANTED_NAME, phone: str = PLANTED_PHONE) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.add_metadata({"/Author": f"{name} {phone}", "/Title": "意见"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def docx_with_author(name: str = PLANTED_NAME, phone: str = PLANTED_PHONE) -> bytes:
    document = docx.Document()
    document.add_paragraph("关于停车收费的补充材料。")
    document.core_properties.author = name
    document.core_properties.last_modified_by = phone
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
