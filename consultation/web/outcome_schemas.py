"""What the public API shows of a consultation's outcome (第七条; docs/consultation.md)."""

from __future__ import annotations

from consultation.models import ConsultationDraft
from consultation.outcomes import outcomes_of
from publisher.privacy import PublicModel


class OutcomeLinkOut(PublicModel):
    """The decision as issued or its 解读: `url` is a path of this site."""

    role: str
    role_zh: str
    title: str
    url: str

    @classmethod
    def list_of(cls, draft: ConsultationDraft) -> list[OutcomeLinkOut]:
        return [
            cls(role=o.role.value, role_zh=o.role.label_zh, title=o.title, url=o.path)
            for o in outcomes_of(draft)
        ]
