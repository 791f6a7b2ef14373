"""The decision's outcome, linked (第七条: the adoption summary goes out with the decision's
政策解读): staff link a closed consultation to the decision as issued and to its 解读, each a
gazette document or a file attached to the draft; the consultation page, the adoption
summary, the feed and the open data carry the links, and the gazette document links back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from consultation.drafts import get_draft, window_state
from consultation.models import ConsultationAttachment, ConsultationDraft, OutcomeLink
from consultation.vocabulary import OutcomeRole, WindowState
from publisher.documents.models import GazetteDocument
from publisher.errors import Conflict, ValidationFailed
from publisher.staff import audit
from publisher.staff.principal import StaffPrincipal
from publisher.storage.db import unit_of_work
from publisher.timeutil import format_local_end


@unit_of_work
def link_outcome(
    session: Session,
    principal: StaffPrincipal,
    draft_id: int,
    role: OutcomeRole,
    now: dt.datetime,
    document_id: str | None = None,
    attachment_id: int | None = None,
) -> OutcomeLink:
    """Link (or re-link) the draft's decision or 解读 to exactly one gazette document or one of
    the draft's attachments; only once its window has closed."""
    draft = get_draft(session, draft_id)
    if window_state(draft, now) is not WindowState.CLOSED:
        raise Conflict(
            "The consultation has not closed: it has no outcome yet.",
            f"征求意见尚未截止（截止时间{format_local_end(draft.closes_at)}），还不能关联正式"
            "发布的决策或政策解读。",
        )
    document_id = (document_id or "").strip() or None
    if (document_id is None) == (attachment_id is None):
        raise ValidationFailed(
            "Choose either a gazette document or an attachment of the draft.",
            "请选择一份公报文件，或本草案的一个附件（二者选其一）。",
            field="document_id",
        )
    if document_id is not None:
        document = session.get(GazetteDocument, document_id)
        if document is None:
            raise ValidationFailed(
                f"No gazette document {document_id!r}.",
                f"没有编号为 {document_id} 的公报文件。",
                field="document_id",
            )
        title = document.title
    else:
        attachment = session.get(ConsultationAttachment, attachment_id)
        if attachment is None or attachment.draft_id != draft.id:
            raise ValidationFailed(
                f"Attachment {attachment_id} is not one of this draft's.",
                "所选附件不属于本草案，请先在本页上传该文件。",
                field="attachment_id",
            )
        title = attachment.title
    link = session.scalar(
        select(OutcomeLink).where(OutcomeLink.draft_id == draft.id, OutcomeLink.role == role.value)
    )
    if link is None:
        link = OutcomeLink(draft_id=draft.id, role=role.value)
        session.add(link)
    link.title = title
    link.document_id = document_id
    link.attachment_id = attachment_id
    link.linked_at = now
    link.linked_by = principal.username
    draft.updated_at = now  # the page, the feed and the printed sheet change with it
    session.flush()
    audit.record(
        session,
        principal,
        "consultation.outcome.link",
        "consultation",
        draft.id,
        role=role.value,
        document_id=document_id,
        attachment_id=attachment_id,
    )
    return link


@dataclass(frozen=True)
class OutcomeOut:
    role: OutcomeRole
    title: str
    path: str
    is_document: bool


def outcomes_of(draft: ConsultationDraft) -> list[OutcomeOut]:
    """The draft's linked outcomes, the decision first."""
    order = {OutcomeRole.DECISION: 0, OutcomeRole.INTERPRETATION: 1}
    found = [
        OutcomeOut(OutcomeRole(o.role), o.title, o.path, o.document_id is not None)
        for o in draft.outcomes
    ]
    return sorted(found, key=lambda o: order[o.role])


def consultations_of_document(
    session: Session, document_id: str, now: dt.datetime
) -> Sequence[tuple[OutcomeRole, ConsultationDraft]]:
    """The public consultations whose outcome this gazette document is (the link back)."""
    rows = session.execute(
        select(OutcomeLink.role, ConsultationDraft)
        .join(ConsultationDraft, ConsultationDraft.id == OutcomeLink.draft_id)
        .where(
            OutcomeLink.document_id == document_id,
            ConsultationDraft.published_at.is_not(None),
            ConsultationDraft.published_at <= now,
            ConsultationDraft.secret_by_law.is_(False),
        )
        .order_by(ConsultationDraft.id)
    ).all()
    return [(OutcomeRole(role), draft) for role, draft in rows]
