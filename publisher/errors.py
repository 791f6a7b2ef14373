"""Domain errors of our own.

Every rule refusal carries a message in English and Chinese so that the API can answer in both
and the pages in Chinese. The web layer maps these to HTTP responses in one place
(`publisher.web.errors`); nothing below the web layer knows about HTTP.
"""

from __future__ import annotations

from typing import Any


class PublisherError(Exception):
    """Base of every error the service raises on purpose."""

    #: machine-readable code, stable across releases (clients may switch on it)
    code: str = "error"

    def __init__(self, message_en: str, message_zh: str, **details: Any) -> None:
        super().__init__(message_en)
        self.message_en = message_en
        self.message_zh = message_zh
        self.details: dict[str, Any] = details

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "message": self.message_en,
            "message_zh": self.message_zh,
            "details": self.details,
        }


class ValidationFailed(PublisherError):
    """Input that breaks a rule of shape or content (maps to 422)."""

    code = "validation_failed"


class PayloadTooLarge(ValidationFailed):
    """An upload over the size limit (maps to 413)."""

    code = "payload_too_large"


class NotFound(PublisherError):
    """The object does not exist or is not public (maps to 404)."""

    code = "not_found"


class Conflict(PublisherError):
    """The request clashes with the current state, e.g. a duplicate (maps to 409)."""

    code = "conflict"


class RuleViolation(PublisherError):
    """A pre-disclosure rule refuses the request, e.g. a notice published too late (maps to 422)."""

    code = "rule_violation"


class CalendarNotCovered(PublisherError):
    """A date falls in a year whose holiday arrangement the service does not have.

    Deadlines must never be guessed from weekends, so every computation touching such a year
    raises this instead.
    """

    code = "calendar_not_covered"

    def __init__(self, year: int, directory: str | None = None) -> None:
        folder = directory or "PUBLISHER_CALENDAR_DIR"
        super().__init__(
            f"The working-day calendar does not cover {year}: the State Council's holiday "
            f"arrangement for {year} has not been installed, so no deadline touching {year} can "
            f"be computed. An administrator enters the notice on the staff page /staff/calendar, "
            f"or writes {year}.json and installs it with `publisher calendar load {year}.json` "
            f"(into the database; with --folder into {folder}); it takes effect at once, without "
            f"a restart.",
            f"{year}年的节假日安排尚未录入，涉及{year}年的时限暂时无法计算。请系统管理员依据"
            f"国务院办公厅关于{year}年部分节假日安排的通知，在工作人员页面“工作日历”"
            f"（/staff/calendar）录入后再发布；也可编写{year}.json，用命令 publisher calendar "
            f"load {year}.json 装入（加 --folder 则放入工作日历目录 {folder}）。装入后立即生效，"
            f"无需重启服务。",
            year=year,
        )
        self.year = year


class NotAuthenticated(PublisherError):
    """No valid credentials (maps to 401)."""

    code = "not_authenticated"


class PermissionDenied(PublisherError):
    """Credentials are valid but the role is too weak (maps to 403)."""

    code = "permission_denied"


class TooManyRequests(PublisherError):
    """A rate limit or sign-in throttle refused the request (maps to 429)."""

    code = "too_many_requests"


class ServiceUnavailable(PublisherError):
    """Something the service needs on this machine is missing, e.g. the Chinese font of the
    PDF notices (maps to 503): the administrator can fix it, the request may work later."""

    code = "service_unavailable"


def required_text(value: str | None, field: str, label_zh: str) -> str:
    """The value without surrounding spaces; a `ValidationFailed` naming the field when empty."""
    text = (value or "").strip()
    if not text:
        raise ValidationFailed(f"{field} is required", f"请填写{label_zh}", field=field)
    return text
