"""Files attached to comments (issue #16 item 4): stored with the comment, seen by staff, public
only when the comment is published in full (`consultation.publication`) and staff approved the
file.

The files are checked and cleaned before the comment's write unit (`comment_files.check_files`);
the unit only writes their blob rows (`blobs.store.put_in_transaction`, always the database, so
every process serves them) and their rows, beside the comment's row: a refused comment stores no
file, a receipted one never lacks its files. The public sees a file under a neutral name
("意见附件-12.pdf"): the commenter's own file name may carry their name or number.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from consultation.comment_files import EXTENSIONS, CleanFile, type_label
from consultation.drafts import get_draft, get_public_draft
from consultation.models import Comment, CommentAttachment, CommentPublication, ConsultationDraft
from publisher.blobs.store import BlobStore, StoredBlob, put_in_transaction
from publisher.errors import NotFound
from publisher.staff import audit
from publisher.staff.principal import StaffPrincipal
from publisher.storage.db import unit_of_work


def store_files(
    session: Session, comment: Comment, files: Sequence[CleanFile], now: dt.datetime
) -> list[CommentAttachment]:
    """Inside the comment's unit, after its row is flushed: the blob rows and a row per file."""
    stored = []
    for position, clean in enumerate(files, 1):
        digest = put_in_transaction(session.connection(), clean.data)
        attachment = CommentAttachment(
            comment_id=comment.id,
            draft_id=comment.draft_id,
            position=position,
            filename=clean.filename,
            media_type=clean.media_type,
            size=len(clean.data),
            sha256=digest,
            uploaded_at=now,
        )
        session.add(attachment)
        stored.append(attachment)
    if stored:
        session.flush()
    return stored


def attachments_of(session: Session, comment_id: int) -> Sequence[CommentAttachment]:
    return session.scalars(
        select(CommentAttachment)
        .where(CommentAttachment.comment_id == comment_id)
        .order_by(CommentAttachment.position, CommentAttachment.id)
    ).all()


def counts_by_comment(session: Session, draft_id: int) -> dict[int, int]:
    """How many files each comment of a draft has (comments without files are absent)."""
    rows = session.execute(
        select(CommentAttachment.comment_id, func.count())
        .where(CommentAttachment.draft_id == draft_id)
        .group_by(CommentAttachment.comment_id)
    ).all()
    return {comment_id: int(count) for comment_id, count in rows}


def get_staff_attachment(
    session: Session, draft_id: int, comment_id: int, attachment_id: int
) -> CommentAttachment:
    get_draft(session, draft_id)
    attachment = session.get(CommentAttachment, attachment_id)
    if attachment is None or (attachment.draft_id, attachment.comment_id) != (
        draft_id,
        comment_id,
    ):
        raise NotFound(f"No attachment {attachment_id}.", f"未找到编号为{attachment_id}的附件。")
    return attachment


@unit_of_work
def set_approved(
    session: Session,
    principal: StaffPrincipal,
    draft_id: int,
    comment_id: int,
    attachment_id: int,
    approved: bool,
    now: dt.datetime,
) -> CommentAttachment:
    """Staff approve a file for the public (shown once its comment is published), or withdraw
    the approval (the public URL answers 404 at once). Audited either way."""
    attachment = get_staff_attachment(session, draft_id, comment_id, attachment_id)
    if approved:
        attachment.approved_at, attachment.approved_by = now, principal.username
    else:
        attachment.approved_at = attachment.approved_by = None
    audit.record(
        session,
        principal,
        "consultation.comment_attachment.approve"
        if approved
        else "consultation.comment_attachment.withdraw",
        "consultation_comment_attachment",
        attachment.id,
        draft_id=draft_id,
        comment_id=comment_id,
        sha256=attachment.sha256,
    )
    return attachment


def withdraw_approvals(session: Session, comment_id: int) -> int:
    """A comment's publication is withdrawn: its files leave the public with it, and a new
    publication must approve them again. How many were approved."""
    approved = [a for a in attachments_of(session, comment_id) if a.approved_at is not None]
    for attachment in approved:
        attachment.approved_at = None
        attachment.approved_by = None
    return len(approved)


@dataclass(frozen=True)
class PublicFile:
    """An approved file of a published comment, as the public sees it: no personal data."""

    id: int
    comment_id: int
    name: str
    url: str
    media_type: str
    type_label: str
    size: int


def public_name(attachment: CommentAttachment) -> str:
    return f"意见附件-{attachment.id}{EXTENSIONS[attachment.media_type]}"


def public_url(attachment: CommentAttachment) -> str:
    return f"/consultations/{attachment.draft_id}/comment-attachments/{attachment.id}"


def _public_file(attachment: CommentAttachment) -> PublicFile:
    return PublicFile(
        id=attachment.id,
        comment_id=attachment.comment_id,
        name=public_name(attachment),
        url=public_url(attachment),
        media_type=attachment.media_type,
        type_label=type_label(attachment.media_type),
        size=attachment.size,
    )


def _public_query() -> Select[CommentAttachment]:
    return (
        select(CommentAttachment)
        .join(CommentPublication, CommentPublication.comment_id == CommentAttachment.comment_id)
        .join(Comment, Comment.id == CommentAttachment.comment_id)
        .join(ConsultationDraft, ConsultationDraft.id == CommentAttachment.draft_id)
        .where(
            CommentAttachment.approved_at.is_not(None),
            Comment.hidden_at.is_(None),
            ConsultationDraft.secret_by_law.is_(False),
        )
    )


def public_files(session: Session, comment_ids: Iterable[int]) -> dict[int, list[PublicFile]]:
    """The public files of these comments, by comment: approved, of a published comment, of a
    draft not secret by law. For the pages and the API that show published comments."""
    ids = sorted(set(comment_ids))
    found: dict[int, list[PublicFile]] = {}
    if not ids:
        return found
    rows = session.scalars(
        _public_query()
        .where(CommentAttachment.comment_id.in_(ids))
        .order_by(CommentAttachment.comment_id, CommentAttachment.position, CommentAttachment.id)
    ).all()
    for attachment in rows:
        found.setdefault(attachment.comment_id, []).append(_public_file(attachment))
    return found


def all_public_files(session: Session) -> dict[int, list[PublicFile]]:
    """Every public file, by comment (the published-comments open data)."""
    found: dict[int, list[PublicFile]] = {}
    rows = session.scalars(
        _public_query().order_by(
            CommentAttachment.comment_id, CommentAttachment.position, CommentAttachment.id
        )
    ).all()
    for attachment in rows:
        found.setdefault(attachment.comment_id, []).append(_public_file(attachment))
    return found


def get_public_file(
    session: Session, draft_id: int, attachment_id: int, now: dt.datetime
) -> CommentAttachment:
    """404 unless the draft is public, the comment published and this file approved."""
    get_public_draft(session, draft_id, now)
    attachment = session.scalars(
        _public_query().where(
            CommentAttachment.id == attachment_id, CommentAttachment.draft_id == draft_id
        )
    ).first()
    if attachment is None:
        raise NotFound(f"No public attachment {attachment_id}.", "未找到该附件。")
    return attachment


def open_file(blobs: BlobStore, attachment: CommentAttachment) -> StoredBlob:
    found = blobs.find(attachment.sha256)
    if found is None:  # the row's foreign key makes this impossible on a sound database
        raise NotFound("The file is not available.", "附件文件暂时无法提供，请稍后再试。")
    return found
