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

from publisher.contact import EMAIL_IN_TEXT, LANDLINE_IN_TEXT, MOBILE_IN_TEXT

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


# 18-digit ID numbers (the last character may be X); phone and e-mail patterns are the contact
# rule's own (`publisher.contact`), so what an intake accepts is what the masker hides.
_ID_CARD = re.compile(
    r"(?<![0-9A-Za-z])[1-9]\d{5}(?:19|20)\d{2}(?:0[1-9]|1[0-2])\d{2}\d{3}[\dXx](?![0-9A-Za-z])"
)


def mask_personal_text(text: str) -> str:
    """Mask ID-card numbers, phone numbers and e-mail addresses typed into free text."""
    text = _ID_CARD.sub(lambda m: m.group(0)[:3] + "*" * 12 + m.group(0)[-3:], text)
    text = MOBILE_IN_TEXT.sub(lambda m: _keep_ends(m.group(0), 3, 2), text)
    text = LANDLINE_IN_TEXT.sub(lambda m: _keep_ends(m.group(0), 4, 2), text)
    return EMAIL_IN_TEXT.sub("[邮箱已隐去]", text)


def _keep_ends(value: str, head: int, tail: int) -> str:
    digits = [c for c in value if c.isdigit()]
    masked = digits[:head] + ["*"] * (len(digits) - head - tail) + digits[-tail:]
    return "".join(masked)
