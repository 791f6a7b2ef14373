"""The one rule for how the public can be reached: a mainland phone number or an e-mail address.

Both intakes (attendance applications and comments) normalise contact details here, and the
masker in `publisher.privacy` builds its patterns from the same pieces, so that whatever the
service accepts as a phone number is also what it hides when someone types one into free text.
"""

from __future__ import annotations

import re

from publisher.errors import ValidationFailed

#: 11-digit mainland mobile numbers: 1, then 3–9, then nine digits.
MOBILE_DIGITS = r"1[3-9]\d{9}"
#: A landline with its area code: 0, a 2–3 digit area code, a 7–8 digit number (10–12 digits).
LANDLINE_DIGITS = r"0\d{2,3}\d{7,8}"
#: An e-mail address as people type it (the local part is deliberately permissive).
EMAIL = r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"
MAX_EMAIL_CHARS = 254

_MOBILE = re.compile(f"^{MOBILE_DIGITS}$")
_GAP = r"[\s\-.·_/]*"  # what people put between digits to dodge a filter
_COUNTRY = rf"(?:(?:\+|00){_GAP}8{_GAP}6{_GAP})?"
#: The same numbers as people type them into free text, also when they try to dodge a filter:
#: any spaces, dashes, dots between any digits, a +86/0086 prefix, an area code in brackets.
#: `publisher.privacy` matches these on an NFKC-normalised copy without invisible characters,
#: so full-width digits (１３８…) and zero-width characters between digits do not hide a number.
MOBILE_IN_TEXT = re.compile(rf"(?<!\d){_COUNTRY}1{_GAP}[3-9](?:{_GAP}\d){{9}}(?!{_GAP}\d)")
LANDLINE_IN_TEXT = re.compile(
    rf"(?<!\d){_COUNTRY}\(?0(?:{_GAP}\d){{2,3}}\)?(?:{_GAP}\d){{7,8}}(?!{_GAP}\d)"
)
_AT = r"(?:@|\s*[(\[]\s*at\s*[)\]]\s*|\s+at\s+)"
_DOT = r"(?:\.|\s*[(\[]\s*dot\s*[)\]]\s*|\s+dot\s+)"
EMAIL_IN_TEXT = re.compile(
    rf"[A-Za-z0-9._%+-]+{_AT}[A-Za-z0-9-]+(?:{_DOT}[A-Za-z0-9-]+)*{_DOT}[A-Za-z]{{2,}}",
    re.IGNORECASE,
)
_LANDLINE = re.compile(f"^{LANDLINE_DIGITS}$")
_EMAIL = re.compile(f"^{EMAIL}$")
_SEPARATORS = re.compile(r"[\s\-()（）]")


def normalise_phone(raw: str, field: str = "phone") -> str:
    """Digits only, without the +86/0086 prefix: a mainland mobile or a landline with area code.

    Raises `ValidationFailed` (English and Chinese) for anything else."""
    digits = _SEPARATORS.sub("", raw.strip())
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    if not (_MOBILE.match(digits) or _LANDLINE.match(digits)):
        raise ValidationFailed(
            "The phone number is not valid: give an 11-digit mobile number or a landline with "
            "its area code.",
            "电话号码格式不正确：请填写11位手机号码，或带区号的固定电话。",
            field=field,
        )
    return digits


def normalise_email(raw: str | None, field: str = "email") -> str | None:
    """The address stripped of surrounding spaces; None when empty; refused when malformed."""
    if raw is None or not raw.strip():
        return None
    value = raw.strip()
    if len(value) > MAX_EMAIL_CHARS or not _EMAIL.match(value):
        raise ValidationFailed(
            "The e-mail address is not valid.", "电子邮箱格式不正确。", field=field
        )
    return value
