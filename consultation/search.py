"""Consultations in the site's search (docs/search.md): the draft's title, department, text,
basis and explanation, its attachments' text, and once published the adoption summary (the
outcome, the masked text of the comments whose authors agreed, and the answers). Never who
commented: the summary carries no names, receipt codes or contact details.

Comments are not watched: the summary, fixed when it is published, is indexed with the draft
(publishing it changes the draft), and no comment changes after it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload, undefer

from consultation.models import ConsultationAttachment, ConsultationDraft
from consultation.summary import adoption_summary
from publisher.search.source import SearchDocument, SearchSource


def document(session: Session, draft: ConsultationDraft) -> SearchDocument | None:
    """The draft as the search finds it; None while it is not public."""
    if draft.secret_by_law or draft.published_at is None:
        return None
    parts = [draft.draft_text, draft.basis_text, draft.explanation_text]
    parts += [f"{a.title}\n{a.text}" for a in draft.attachments]
    summary = adoption_summary(session, draft)
    if summary is not None:
        parts.append(summary.outcome_text)
        parts += [f"{item.section} {item.text}\n{item.answer}" for item in summary.items]
    return SearchDocument(
        key=str(draft.id),
        title=draft.title,
        url=f"/consultations/{draft.id}",
        text="\n".join(p for p in parts if p),
        department=draft.department,
        starts_at=draft.opens_at,
        ends_at=draft.closes_at,
        visible_from=draft.published_at,
    )


def _load(session: Session, keys: Sequence[str]) -> Mapping[str, SearchDocument]:
    ids = [int(k) for k in keys if k.isdigit()]
    drafts = session.scalars(
        select(ConsultationDraft)
        .where(ConsultationDraft.id.in_(ids))
        .options(
            selectinload(ConsultationDraft.attachments).options(
                undefer(ConsultationAttachment.text)
            )
        )
        .execution_options(populate_existing=True)
    )
    documents = (document(session, d) for d in drafts)
    return {d.key: d for d in documents if d is not None}


def _every_key(session: Session) -> Iterable[str]:
    return (str(i) for i in session.scalars(select(ConsultationDraft.id)))


CONSULTATION_SEARCH = SearchSource(
    kind="consultation",
    label_zh="决策征求意见",
    load=_load,
    every_key=_every_key,
    watches={
        ConsultationDraft: lambda draft: (str(draft.id),),
        ConsultationAttachment: lambda attachment: (str(attachment.draft_id),),
    },
    phase_labels_zh={
        "upcoming": "尚未开始",
        "open": "正在征求意见",
        "closed": "征求意见已结束",
    },
)
