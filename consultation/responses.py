"""Published responses as the public reads them (issue #16 item 3): the comments staff
published in full, each with the article and version it was made on, its disposition and answer
and its approved files. Never who said it. A comment leaves the public record the moment it is
hidden, its draft is marked secret by law, or staff withdraw its publication
(`consultation.publication.unpublish_comment`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import Session

from consultation.comment_attachments import PublicFile, public_files
from consultation.models import Comment, CommentPublication, ConsultationDraft
from consultation.versions import versions_of
from consultation.vocabulary import Channel, Disposition
from publisher.privacy import mask_personal_text

WHOLE_DRAFT_ZH = "草案整体"


@dataclass(frozen=True)
class PublishedResponse:
    #: the publication's number (公开编号), the same as in the open dataset
    id: int
    comment_id: int
    version_number: int
    #: the article's key in its version ("a3"); None: the whole draft
    article_key: str | None
    #: "第三条", or "草案整体"
    article_label: str
    channel: Channel
    text: str
    disposition: Disposition | None
    answer: str
    published_at: dt.datetime
    files: list[PublicFile] = field(default_factory=list)

    @property
    def version_label_zh(self) -> str:
        return f"第{self.version_number}稿"


def public_conditions(draft_id: int | None = None) -> list[ColumnElement[bool]]:
    """What keeps a published comment public: not hidden since, its draft not secret by law."""
    conditions: list[ColumnElement[bool]] = [
        Comment.hidden_at.is_(None),
        ConsultationDraft.secret_by_law.is_(False),
    ]
    if draft_id is not None:
        conditions.append(CommentPublication.draft_id == draft_id)
    return conditions


def article_labels(session: Session, draft: ConsultationDraft) -> dict[tuple[int, str], str]:
    """(version, article key) → the article's label in that version ("第三条")."""
    return {(v.number, u.key): u.label for v in versions_of(session, draft) for u in v.parsed.units}


def _query(draft_id: int) -> Select[CommentPublication, Comment]:
    return (
        select(CommentPublication, Comment)
        .join(Comment, Comment.id == CommentPublication.comment_id)
        .join(ConsultationDraft, ConsultationDraft.id == CommentPublication.draft_id)
        .where(*public_conditions(draft_id))
    )


def count_published(session: Session, draft_id: int) -> int:
    return (
        session.scalar(_query(draft_id).with_only_columns(func.count(CommentPublication.id))) or 0
    )


def published_responses(
    session: Session,
    draft: ConsultationDraft,
    *,
    version_number: int | None = None,
    offset: int = 0,
    limit: int | None = None,
) -> list[PublishedResponse]:
    """The draft's published responses in publication order (one version's, if given)."""
    query = _query(draft.id).order_by(CommentPublication.id).offset(offset).limit(limit)
    if version_number is not None:
        query = query.where(Comment.version_number == version_number)
    rows = session.execute(query).all()
    if not rows:
        return []
    labels = article_labels(session, draft)
    files = public_files(session, (c.id for _, c in rows))
    return [
        PublishedResponse(
            id=p.id,
            comment_id=c.id,
            version_number=c.version_number,
            article_key=c.article_key,
            article_label=label_of(labels, c),
            channel=Channel(c.channel),
            text=p.public_text,
            disposition=Disposition(c.disposition) if c.disposition else None,
            answer=mask_personal_text(c.answer_text or ""),
            published_at=p.published_at,
            files=files.get(c.id, []),
        )
        for p, c in rows
    ]


def label_of(labels: dict[tuple[int, str], str], comment: Comment) -> str:
    """The article a comment concerns, as the public reads it."""
    if comment.article_key is None:
        return WHOLE_DRAFT_ZH
    return labels.get((comment.version_number, comment.article_key), comment.article_key)


def responses_by_article(
    session: Session, draft: ConsultationDraft, version_number: int
) -> dict[str | None, list[PublishedResponse]]:
    """One version's published responses by article key (None: on the whole draft)."""
    grouped: dict[str | None, list[PublishedResponse]] = {}
    for r in published_responses(session, draft, version_number=version_number):
        grouped.setdefault(r.article_key, []).append(r)
    return grouped
