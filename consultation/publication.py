"""Comments published in full after review (issue #16 item 3): only with the commenter's
consent, only once answered (the public sees the disposition and the answer with it), never
hidden or spam ones. Personal data is masked automatically as everywhere
(`publisher.privacy.mask_personal_text`), and staff may also remove passages, each with a stated
reason shown in its place ("［已删除：个人隐私］"). The public text is fixed when published; the
original stays in the comment, for staff only. Published comments are open data
(`consultation.open_data.PUBLISHED_COMMENTS_TABLE`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from consultation.comment_attachments import all_public_files, withdraw_approvals
from consultation.drafts import get_draft
from consultation.models import Comment, CommentPublication, CommentRedaction, ConsultationDraft
from consultation.responses import article_labels, label_of, public_conditions
from consultation.vocabulary import Channel, Disposition
from publisher.errors import Conflict, NotFound, RuleViolation, ValidationFailed
from publisher.privacy import mask_personal_text
from publisher.staff import audit
from publisher.staff.principal import StaffPrincipal
from publisher.storage.db import unit_of_work

MAX_REASON_CHARS = 200


@dataclass(frozen=True)
class Redaction:
    #: the exact passage of the original to remove (every occurrence)
    passage: str
    #: why, shown in its place: "个人隐私", "依法删除：商业秘密"
    reason: str


def public_text(body: str, redactions: Sequence[Redaction]) -> str:
    """The original with each passage replaced by its reason, then personal data masked."""
    text = body
    for r in redactions:
        text = text.replace(r.passage, f"［已删除：{r.reason}］")
    return mask_personal_text(text)


def _checked(body: str, redactions: Sequence[Redaction]) -> list[Redaction]:
    checked = []
    for r in redactions:
        passage, reason = r.passage.strip(), " ".join(r.reason.split())
        if not passage and not reason:
            continue
        if not passage:
            raise ValidationFailed(
                "Give the passage to remove.", "请填写要删除的原文片段。", field="passage"
            )
        if passage not in body:
            raise ValidationFailed(
                "The passage is not in the comment.",
                f"原文中没有“{passage[:30]}”，请从原文中复制。",
                field="passage",
            )
        if not reason or len(reason) > MAX_REASON_CHARS:
            raise ValidationFailed(
                "Each removal needs its reason (at most 200 characters).",
                "每处删除都须说明理由（不超过200字），如“个人隐私”。",
                field="reason",
            )
        checked.append(Redaction(passage, reason))
    return checked


def _comment(session: Session, draft_id: int, comment_id: int) -> Comment:
    comment = session.get(Comment, comment_id)
    if comment is None or comment.draft_id != draft_id:
        raise NotFound(f"No comment {comment_id} here.", f"未找到编号为{comment_id}的意见。")
    return comment


def publication_of(session: Session, comment_id: int) -> CommentPublication | None:
    return session.scalars(
        select(CommentPublication).where(CommentPublication.comment_id == comment_id)
    ).first()


def redactions_of(session: Session, comment_id: int) -> Sequence[CommentRedaction]:
    return session.scalars(
        select(CommentRedaction)
        .where(CommentRedaction.comment_id == comment_id)
        .order_by(CommentRedaction.id)
    ).all()


def get_for_review(session: Session, draft_id: int, comment_id: int) -> Comment:
    get_draft(session, draft_id)
    return _comment(session, draft_id, comment_id)


@unit_of_work
def publish_comment(
    session: Session,
    principal: StaffPrincipal,
    draft_id: int,
    comment_id: int,
    redactions: Sequence[Redaction],
    now: dt.datetime,
) -> CommentPublication:
    draft = get_draft(session, draft_id)
    comment = _comment(session, draft_id, comment_id)
    if draft.secret_by_law:
        raise RuleViolation(
            "A matter secret by law is never published (art. 4).",
            "依法需要保密的事项不予公开（第四条）。",
        )
    if not comment.consent_publish:
        raise RuleViolation(
            "The commenter did not consent to publication.", "提出人未同意公开，不能公开全文。"
        )
    if comment.hidden_at is not None or comment.flagged_spam:
        raise Conflict("A hidden comment is not published.", "已隐藏或疑似垃圾信息的意见不能公开。")
    if comment.disposition is None:
        raise RuleViolation(
            "Answer the comment first: it is published with its disposition.",
            "请先答复该意见：公开全文时一并公开处理结果和理由。",
        )
    if publication_of(session, comment.id) is not None:
        raise Conflict("The comment is already published.", "该意见已公开。")
    kept = _checked(comment.body, redactions)
    for r in kept:
        session.add(
            CommentRedaction(
                comment_id=comment.id,
                passage=r.passage,
                reason=r.reason,
                redacted_at=now,
                redacted_by=principal.username,
            )
        )
    publication = CommentPublication(
        comment_id=comment.id,
        draft_id=draft_id,
        public_text=public_text(comment.body, kept),
        published_at=now,
        published_by=principal.username,
    )
    session.add(publication)
    session.flush()
    audit.record(
        session, principal, "consultation.comment.publish", "consultation_comment", comment.id,
        draft_id=draft_id, redaction_reasons=[r.reason for r in kept],
    )  # fmt: skip
    return publication


@unit_of_work
def unpublish_comment(
    session: Session,
    principal: StaffPrincipal,
    draft_id: int,
    comment_id: int,
    reason: str,
    now: dt.datetime,
) -> None:
    """Withdraw a publication: the comment leaves every public output at once (page, API, open
    data). The publication and its redactions are removed, so the comment may be reviewed and
    published again; its files' approvals are withdrawn with it (a new publication approves
    them again). The audit log keeps who withdrew what, when and why."""
    get_draft(session, draft_id)
    comment = _comment(session, draft_id, comment_id)
    publication = publication_of(session, comment.id)
    if publication is None:
        raise Conflict("The comment is not published.", "该意见未公开全文，无需撤回。")
    stated = " ".join(reason.split())
    if not stated or len(stated) > MAX_REASON_CHARS:
        raise ValidationFailed(
            "State why the publication is withdrawn (at most 200 characters).",
            "请说明撤回公开的理由（不超过200字），如“提出人要求撤回”。",
            field="reason",
        )
    published_at = publication.published_at
    for redaction in redactions_of(session, comment.id):
        session.delete(redaction)
    session.delete(publication)
    withdrawn_files = withdraw_approvals(session, comment.id)
    audit.record(
        session, principal, "consultation.comment.unpublish", "consultation_comment", comment.id,
        draft_id=draft_id, reason=stated, published_at=published_at.isoformat(),
        withdrawn_at=now.isoformat(), files_withdrawn=withdrawn_files,
    )  # fmt: skip


def published_comment_rows(session: Session) -> list[dict[str, Any]]:
    """Open-data rows, one per published comment: the public text (redacted, masked), its
    disposition and answer; never who said it, never a receipt code."""
    rows = session.execute(
        select(CommentPublication, Comment, ConsultationDraft)
        .join(Comment, Comment.id == CommentPublication.comment_id)
        .join(ConsultationDraft, ConsultationDraft.id == CommentPublication.draft_id)
        .where(*public_conditions())
        .order_by(CommentPublication.id)
    ).all()
    reasons: dict[int, list[str]] = {}
    for comment_id, reason in session.execute(
        select(CommentRedaction.comment_id, CommentRedaction.reason).order_by(CommentRedaction.id)
    ):
        reasons.setdefault(comment_id, []).append(reason)
    files = all_public_files(session)
    labels: dict[int, dict[tuple[int, str], str]] = {}
    out = []
    for publication, comment, draft in rows:
        disposition = Disposition(comment.disposition) if comment.disposition else None
        if draft.id not in labels:
            labels[draft.id] = article_labels(session, draft)
        out.append(
            {
                "response_id": publication.id,
                "consultation_id": draft.id,
                "consultation_title": draft.title,
                "version": comment.version_number,
                "article": label_of(labels[draft.id], comment),
                "channel": Channel(comment.channel).label_zh,
                "section": mask_personal_text(comment.section or ""),
                "comment_text": publication.public_text,
                "redactions": "；".join(reasons.get(comment.id, [])),
                "disposition": disposition.value if disposition else "",
                "disposition_zh": disposition.label_zh if disposition else "",
                "answer": mask_personal_text(comment.answer_text or ""),
                "published_at": publication.published_at.isoformat(),
                # approved files only, under their neutral names (never the commenter's)
                "attachments": "；".join(f"{f.name} {f.url}" for f in files.get(comment.id, [])),
            }
        )
    return out
