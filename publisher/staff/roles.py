"""Staff roles, ordered: each role may do everything the roles below it may.

editor   prepares notices and drafts, records answers;
reviewer approves applications, moderates comments, publishes adoption summaries;
admin    manages accounts, tokens and settings, reads the audit log.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    EDITOR = "editor"
    REVIEWER = "reviewer"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return _RANK[self]

    def allows(self, required: Role) -> bool:
        return self.rank >= required.rank

    @property
    def label_zh(self) -> str:
        return _LABEL_ZH[self]


_RANK = {Role.EDITOR: 1, Role.REVIEWER: 2, Role.ADMIN: 3}
_LABEL_ZH = {Role.EDITOR: "编辑", Role.REVIEWER: "审核", Role.ADMIN: "管理员"}
