"""Receipt codes a citizen keeps to look up an application or a comment later.

Ten random characters from Crockford's base32 (no I, L, O, U: nothing to misread on a phone),
with a prefix naming the kind, e.g. ``YJ-7K3Q9-XWM2T``. 50 bits of randomness: not guessable,
so the code alone is the key to the citizen's own submission.
"""

from __future__ import annotations

import datetime as dt
import secrets
import unicodedata
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.orm import Session

from publisher.errors import NotFound
from publisher.storage.db import write_unit
from publisher.throttle import limits
from publisher.throttle.limits import Limit

T = TypeVar("T")

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_receipt_code(prefix: str) -> str:
    # one read of the system's random source, not ten: 32 letters, 5 bits of a byte each
    body = "".join(ALPHABET[byte & 31] for byte in secrets.token_bytes(10))
    return f"{prefix}-{body[:5]}-{body[5:]}"


#: what people type for the code's hyphens: dashes of every width, the katakana long mark and
#: 一 (the Chinese "one", which a pinyin keyboard offers for "-")
_DASHES = dict.fromkeys(map(ord, "‐‑‒–—―−ー一－﹣"), "-")


def normalise_receipt_code(code: str) -> str:
    """Accept what people type: full-width characters, lower case, spaces anywhere, any dash
    or none at all, O for 0, I/L for 1. A code's shape (two letters, ten characters) comes
    back with its hyphens where they belong; anything else comes back compacted, to miss."""
    text = unicodedata.normalize("NFKC", code).translate(_DASHES).upper()
    compact = "".join(ch for ch in text if ch.isalnum())
    compact = compact.replace("O", "0").replace("I", "1").replace("L", "1")
    if len(compact) == 12 and compact[:2].isascii() and compact[:2].isalpha():
        return f"{compact[:2]}-{compact[2:7]}-{compact[7:]}"
    return compact


#: unknown receipt codes tried from one address: looking one's own code up is free, guessing
#: others' is not (50 bits make guessing hopeless; the limit makes it also loud and slow)
RECEIPT_MISSES_PER_ADDRESS = Limit(
    scope="receipt.miss",
    max_hits=20,
    window=dt.timedelta(minutes=10),
    what_en="unknown receipt codes tried from this address",
    what_zh="同一网络地址查询无效回执码",
)


def find_by_receipt(session: Session, requester: str, now: dt.datetime, find: Callable[[], T]) -> T:
    """Run a look-up by receipt code for `requester` (a keyed address digest). Refused (429)
    once the address has missed too often; a miss is counted, and committed, before its
    NotFound goes out, with the key locked so parallel guesses cannot overrun the limit."""
    limits.check(session, RECEIPT_MISSES_PER_ADDRESS, requester, now)
    try:
        return find()
    except NotFound:
        with write_unit(session):
            limits.take(session, RECEIPT_MISSES_PER_ADDRESS, requester, now)
        raise
