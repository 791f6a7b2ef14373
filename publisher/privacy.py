"""The personal-data boundary, defined once.

Names, phone numbers, e-mail addresses, ID numbers and IP addresses of the public appear only in
staff views and staff exports. Every public serialiser (API response model, feed adapter, dataset
row) derives from `PublicModel`, which refuses at class-definition time any field whose name
says it is personal — so a public model cannot even be written with one. Free text typed by the
public is passed through `mask_personal_text` before it is shown.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
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


#: zero-width characters, bidi controls and soft hyphens: invisible, so they can hide a number
_INVISIBLE = re.compile("[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


_BIDI_CONTROLS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _comparable(text: str) -> tuple[str, list[int]]:
    """The text as detection sees it (NFKC, invisible characters dropped), and for each of its
    characters the index of the original character it came from (plus the end)."""
    chars: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        if _INVISIBLE.match(char):
            continue
        for piece in unicodedata.normalize("NFKC", char):
            chars.append(piece)
            origin.append(index)
    origin.append(len(text))
    return "".join(chars), origin


def _mask_matches(text: str, pattern: re.Pattern[str], mask: Callable[[str], str]) -> str:
    """Replace, in the original text, every span whose comparable form matches `pattern`."""
    comparable, origin = _comparable(text)
    pieces: list[str] = []
    kept = 0
    for match in pattern.finditer(comparable):
        start, end = origin[match.start()], origin[match.end() - 1] + 1
        if start < kept:
            continue
        pieces += [text[kept:start], mask(match.group(0))]
        kept = end
    pieces.append(text[kept:])
    return "".join(pieces)


def mask_personal_text(text: str) -> str:
    """Mask ID-card numbers, phone numbers and e-mail addresses typed into free text, also in
    their common disguises (full-width digits, separators, zero-width characters, "at"/"dot"),
    and drop the bidi controls that would make published text read backwards.
    """
    text = _mask_matches(text, _ID_CARD, lambda m: m[:3] + "*" * 12 + m[-3:])
    text = _mask_matches(text, MOBILE_IN_TEXT, lambda m: _keep_ends(m, 3, 2))
    text = _mask_matches(text, LANDLINE_IN_TEXT, lambda m: _keep_ends(m, 4, 2))
    text = _mask_matches(text, EMAIL_IN_TEXT, lambda m: "[邮箱已隐去]")
    # Bidi controls could show published text visually reversed (U+202E); the stored original
    # keeps them for staff.
    return _BIDI_CONTROLS.sub("", text)


def _keep_ends(value: str, head: int, tail: int) -> str:
    digits = [c for c in value if c.isdigit()]
    masked = digits[:head] + ["*"] * (len(digits) - head - tail) + digits[-tail:]
    return "".join(masked)
