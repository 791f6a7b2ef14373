"""The files of a comment as HTTP brings them (the page's form and the API's multipart): read
within the settings' limits, then checked and cleaned by `consultation.comment_files` before
the comment's unit."""

from __future__ import annotations

from fastapi import UploadFile

from consultation.attachments import human_size
from consultation.comment_files import CleanFile, FileLimits, Upload, check_files
from publisher.settings import Settings
from publisher.web.forms import read_upload


def file_limits(settings: Settings) -> FileLimits:
    return FileLimits(
        max_file_bytes=settings.comment_file_max_bytes,
        max_count=settings.comment_files_max_count,
        max_total_bytes=settings.comment_files_max_total_bytes,
    )


def limits_shown(settings: Settings) -> dict[str, object]:
    """The limits in words for the form."""
    limits = file_limits(settings)
    return {
        "max_count": limits.max_count,
        "max_file": human_size(limits.max_file_bytes),
        "max_total": human_size(limits.max_total_bytes),
    }


def chosen(files: list[UploadFile] | None) -> list[UploadFile]:
    """The file fields a person actually filled (a browser sends an empty part for none)."""
    return [f for f in files or [] if f.filename or f.size]


def read_files(files: list[UploadFile] | None, settings: Settings) -> list[CleanFile]:
    """Each file read to at most one byte over the per-file limit, then checked and cleaned;
    a refusal (4xx, English and Chinese) before anything is written."""
    limits = file_limits(settings)
    uploads = [Upload(*read_upload(f, limits.max_file_bytes)) for f in chosen(files)]
    return check_files(uploads, limits)
