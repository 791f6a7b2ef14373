"""Receipt codes a citizen keeps to look up an application or a comment later.

Ten random characters from Crockford's base32 (no I, L, O, U: nothing to misread on a phone),
with a prefix naming the kind, e.g. ``YJ-7K3Q9-XWM2T``. 50 bits of randomness: not guessable,
so the code alone is the key to the citizen's own submission.
"""

from __future__ import annotations

import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_receipt_code(prefix: str) -> str:
    body = "".join(secrets.choice(ALPHABET) for _ in range(10))
    return f"{prefix}-{body[:5]}-{body[5:]}"


def normalise_receipt_code(code: str) -> str:
    """Accept what people type: lower case, spaces, O for 0, I/L for 1."""
    cleaned = code.strip().upper().replace(" ", "").replace("O", "0").replace("I", "1")
    return cleaned.replace("L", "1")
