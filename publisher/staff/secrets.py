"""Passwords (argon2id) and random tokens (stored only as SHA-256).

The password hasher is chosen by the `password_hash_profile` setting and handed to the use
cases that need it (`hasher_for(settings)`), never read from a module global: production uses
argon2-cffi's defaults (RFC 9106's low-memory profile); the test suite uses argon2's cheapest
profile, which production refuses (see `publisher.settings`). A stored hash carries its own
parameters, so verification always costs what hashing that password cost.
"""

from __future__ import annotations

import functools
import hashlib
import os
import secrets
import threading
from typing import Literal

from argon2 import PasswordHasher as Argon2Hasher
from argon2 import profiles
from argon2.exceptions import InvalidHashError, VerificationError

API_TOKEN_PREFIX = "smx_"
MIN_PASSWORD_LENGTH = 10

HashProfile = Literal["argon2id", "cheapest-for-tests"]


#: argon2 runs at most this many hashes at once per process: each takes 64 MiB and a core,
#: so 40 request threads guessing at once would otherwise take 2.5 GiB and every core
MAX_CONCURRENT_HASHES = max(2, os.cpu_count() or 2)


class PasswordHasher:
    """Hash and verify staff passwords with one argon2id parameter set; a burst of sign-ins
    queues for a few hashing slots instead of exhausting memory and CPU."""

    def __init__(self, argon2: Argon2Hasher, slots: int = MAX_CONCURRENT_HASHES) -> None:
        self._argon2 = argon2
        self._slots = threading.BoundedSemaphore(slots)
        # A hash of a random password, verified against when the account does not exist, so
        # that a wrong user name costs the same time as a wrong password.
        self._dummy_hash = argon2.hash(secrets.token_urlsafe(16))

    def hash(self, password: str) -> str:
        with self._slots:
            return self._argon2.hash(password)

    def verify(self, password_hash: str | None, password: str) -> bool:
        try:
            with self._slots:
                ok = self._argon2.verify(password_hash or self._dummy_hash, password)
        except (VerificationError, InvalidHashError):
            return False
        return ok and password_hash is not None


@functools.cache
def password_hasher(profile: HashProfile) -> PasswordHasher:
    """The hasher of a profile, made once per process (making one hashes the dummy)."""
    if profile == "cheapest-for-tests":
        return PasswordHasher(Argon2Hasher.from_parameters(profiles.CHEAPEST))
    return PasswordHasher(Argon2Hasher())


def new_token(prefix: str = "") -> str:
    return prefix + secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    """SHA-256 is enough here: tokens are 256-bit random, not guessable like passwords."""
    return hashlib.sha256(token.encode()).hexdigest()
