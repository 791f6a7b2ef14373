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

    def __init__(self, year: int, how_to_load: str | None = None) -> None:
        hint = how_to_load or f"publisher calendar load datasets/calendar/{year}.json"
        super().__init__(
            f"The working-day calendar does not cover {year}: the State Council's holiday "
            f"arrangement for {year} has not been loaded. Load it with: {hint}",
            f"工作日历未包含{year}年：尚未载入国务院办公厅关于{year}年部分节假日安排的通知。"
            f"请用以下命令载入：{hint}",
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


def required_text(value: str | None, field: str, label_zh: str) -> str:
    """The value without surrounding spaces; a `ValidationFailed` naming the field when empty."""
    text = (value or "").strip()
    if not text:
        raise ValidationFailed(f"{field} is required", f"请填写{label_zh}", field=field)
    return text
