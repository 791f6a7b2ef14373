"""Who is acting: the identity every staff action and audit entry is attributed to."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from publisher.staff.roles import Role


@dataclass(frozen=True)
class StaffPrincipal:
    account_id: int | None
    username: str
    display_name: str
    role: Role
    via: Literal["session", "token", "cli"]
    ip_address: str = "-"
    csrf_token: str | None = None
