"""Reading HTML form values: the one parser of `datetime-local` fields.

A browser's `datetime-local` value has no zone; on these pages it is always Beijing time.
"""

from __future__ import annotations

import datetime as dt

from fastapi import UploadFile

from publisher.errors import ValidationFailed
from publisher.timeutil import LOCAL_TZ


def parse_local_datetime(value: str | None, field: str, label_zh: str) -> dt.datetime | None:
    """The instant a form field names (Asia/Shanghai unless it carries an offset); None when
    the field is empty; a clear `ValidationFailed` (422) when it is not a date and time."""
    if value is None or not value.strip():
        return None
    try:
        parsed = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        raise ValidationFailed(
            f"{field}: not a date and time: {value.strip()[:40]}",
            f"{label_zh}格式不正确",
            field=field,
        ) from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=LOCAL_TZ)


def require_local_datetime(value: str | None, field: str, label_zh: str) -> dt.datetime:
    """As `parse_local_datetime`, for a field that must be filled in."""
    parsed = parse_local_datetime(value, field, label_zh)
    if parsed is None:
        raise ValidationFailed(f"{field} is required", f"请填写{label_zh}", field=field)
    return parsed


def checked(value: str) -> bool:
    """An HTML checkbox: present (any non-empty value) means ticked."""
    return bool(value)


def require_confirmation(
    confirm: str, what_en: str, what_zh: str, *, irreversible: bool = True
) -> None:
    """A form whose action tells people or takes something off the public record has a box to
    tick; checked here, inside the action, so a form without it changes nothing."""
    if not checked(confirm):
        if irreversible:
            raise ValidationFailed(
                f"Tick the confirmation box before {what_en}: it cannot be undone.",
                f"请先勾选确认框再{what_zh}：此操作不能撤销。",
            )
        raise ValidationFailed(
            f"Tick the confirmation box before {what_en}.", f"请先勾选确认框再{what_zh}。"
        )


def read_upload(file: UploadFile | None, limit: int) -> tuple[str, bytes]:
    """A file field's name and bytes, reading at most one byte over `limit`, so an oversized
    part is refused by the use case without being held in memory whole."""
    if file is None:
        return "", b""
    return file.filename or "", file.file.read(limit + 1)
