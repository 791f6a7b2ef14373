"""The personal-data boundary, defined once.

Names, phone numbers, e-mail addresses, ID numbers and IP addresses of the public appear only in
staff views and staff exports. Every public serialiser (API response model, feed adapter, dataset
row) derives from `PublicModel`, which refuses at class-definition time any field whose name
says it is personal — so a public model cannot even be written with one. Free text typed by the
public is passed through `mask_personal_text` before it is shown.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, ConfigDict

#: Field names that hold personal data of members of the public.
PERSONAL_FIELD_NAMES = frozenset(
    {
        "name",
        "full_name",
        "applicant_name",
        "commenter_name",
        "contact_name",
        "phone",
        "phone_number",
        "mobile",
        "telephone",
        "email",
        "email_address",
        "e_mail",
        "id_number",
        "id_card",
        "id_card_number",
        "identity_number",
        "ip",
        "ip_address",
        "client_ip",
        "remote_addr",
        "address",
        "home_address",
    }
)


class PersonalDataLeak(TypeError):
    pass


class PublicModel(BaseModel):
    """Base of every model the public can see. Personal fields are refused, not filtered."""

    model_config = ConfigDict(extra="forbid")

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        own = set(getattr(cls, "__annotations__", {}))
        leaked = sorted(own & PERSONAL_FIELD_NAMES)
        if leaked:
            raise PersonalDataLeak(
                f"{cls.__name__} is public and may not have personal fields: {', '.join(leaked)}"
            )


# Mainland mobile numbers (optionally +86), landlines with area code, 18-digit ID numbers
# (last character may be X), and e-mail addresses.
_ID_CARD = re.compile(
    r"(?<![0-9A-Za-z])[1-9]\d{5}(?:19|20)\d{2}(?:0[1-9]|1[0-2])\d{2}\d{3}[\dXx](?![0-9A-Za-z])"
)
_MOBILE = re.compile(r"(?<!\d)(?:\+?86[- ]?)?1[3-9]\d[- ]?\d{4}[- ]?\d{4}(?!\d)")
_LANDLINE = re.compile(r"(?<!\d)(?:\(?0\d{2,3}\)?[- ]?)\d{7,8}(?!\d)")
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")


def mask_personal_text(text: str) -> str:
    """Mask ID-card numbers, phone numbers and e-mail addresses typed into free text."""
    text = _ID_CARD.sub(lambda m: m.group(0)[:3] + "*" * 12 + m.group(0)[-3:], text)
    text = _MOBILE.sub(lambda m: _keep_ends(m.group(0), 3, 2), text)
    text = _LANDLINE.sub(lambda m: _keep_ends(m.group(0), 4, 2), text)
    return _EMAIL.sub("[邮箱已隐去]", text)


def _keep_ends(value: str, head: int, tail: int) -> str:
    digits = [c for c in value if c.isdigit()]
    masked = digits[:head] + ["*"] * (len(digits) - head - tail) + digits[-tail:]
    return "".join(masked)
