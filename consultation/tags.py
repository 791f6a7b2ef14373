"""Staff tags on comments (issue #16 item 5): free words per consultation, to sort many comments
by theme, filter the queue and export a theme to CSV. Tags are staff's own notes: never public,
never in a feed or a dataset."""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from consultation.drafts import get_draft
from consultation.models import Comment, CommentTag
from publisher.errors import NotFound, ValidationFailed
from publisher.staff import audit
from publisher.staff.principal import StaffPrincipal
from publisher.storage.db import unit_of_work

MAX_TAG_CHARS = 40


def normalise_tag(tag: str) -> str:
    """NFKC (full-width letters and digits folded), inner runs of spaces made one, trimmed; at
    most 40 characters; no comma (a tag list is written with them)."""
    text = " ".join(unicodedata.normalize("NFKC", tag or "").split())
    if not text:
        raise ValidationFailed("The tag is empty.", "请填写标签。", field="tag")
    if len(text) > MAX_TAG_CHARS:
        raise ValidationFailed(
            f"A tag has at most {MAX_TAG_CHARS} characters.",
            f"标签最多{MAX_TAG_CHARS}个字。",
            field="tag",
        )
    if "," in text:
        raise ValidationFailed("A tag cannot contain a comma.", "标签中不能有逗号。", field="tag")
    return text


def _comments_of(session: Session, draft_id: int, comment_ids: Sequence[int]) -> list[int]:
    if not comment_ids:
        raise ValidationFailed("Choose at least one comment.", "请至少选择一条意见。")
    ids = sorted(set(comment_ids))
    found = set(
        session.scalars(
            select(Comment.id).where(Comment.id.in_(ids), Comment.draft_id == draft_id)
        ).all()
    )
    missing = [i for i in ids if i not in found]
    if missing:
        raise NotFound(
            f"No comments {missing} on this consultation.",
            f"本次征求意见中没有编号为{'、'.join(map(str, missing))}的意见。",
        )
    return ids


@unit_of_work
def tag_comments(
    session: Session,
    principal: StaffPrincipal,
    draft_id: int,
    comment_ids: Sequence[int],
    tag: str,
    now: dt.datetime,
) -> int:
    """Put the tag on each comment that does not have it yet; returns how many got it."""
    get_draft(session, draft_id)
    tag = normalise_tag(tag)
    ids = _comments_of(session, draft_id, comment_ids)
    have = set(
        session.scalars(
            select(CommentTag.comment_id).where(
                CommentTag.comment_id.in_(ids), CommentTag.tag == tag
            )
        ).all()
    )
    new = [i for i in ids if i not in have]
    for comment_id in new:
        session.add(
            CommentTag(
                draft_id=draft_id,
                comment_id=comment_id,
                tag=tag,
                tagged_at=now,
                tagged_by=principal.username,
            )
        )
    audit.record(
        session, principal, "consultation.comment.tag", "consultation", draft_id,
        tag=tag, comment_ids=new,
    )  # fmt: skip
    return len(new)


@unit_of_work
def untag_comments(
    session: Session,
    principal: StaffPrincipal,
    draft_id: int,
    comment_ids: Sequence[int],
    tag: str,
) -> int:
    """Take the tag off the chosen comments; refused when none of them had it."""
    get_draft(session, draft_id)
    tag = normalise_tag(tag)
    ids = _comments_of(session, draft_id, comment_ids)
    rows = session.scalars(
        select(CommentTag).where(CommentTag.comment_id.in_(ids), CommentTag.tag == tag)
    ).all()
    if not rows:
        raise NotFound(
            f"None of these comments has the tag {tag!r}.", f"所选意见都没有标签“{tag}”。"
        )
    for row in rows:
        session.delete(row)
    audit.record(
        session, principal, "consultation.comment.untag", "consultation", draft_id,
        tag=tag, comment_ids=sorted(r.comment_id for r in rows),
    )  # fmt: skip
    return len(rows)


def tag_counts(session: Session, draft_id: int) -> list[tuple[str, int]]:
    """Each tag of the consultation with its number of comments, most used first."""
    rows = session.execute(
        select(CommentTag.tag, func.count(CommentTag.id))
        .where(CommentTag.draft_id == draft_id)
        .group_by(CommentTag.tag)
    ).all()
    return sorted(((tag, count) for tag, count in rows), key=lambda r: (-r[1], r[0]))


def tags_by_comment(session: Session, draft_id: int) -> dict[int, list[str]]:
    """Every comment's tags, in one statement."""
    found: dict[int, list[str]] = defaultdict(list)
    for comment_id, tag in session.execute(
        select(CommentTag.comment_id, CommentTag.tag)
        .where(CommentTag.draft_id == draft_id)
        .order_by(CommentTag.tag)
    ):
        found[comment_id].append(tag)
    return found


def comments_tagged(session: Session, draft_id: int, tag: str | None) -> Sequence[Comment]:
    """The consultation's comments carrying the tag (all of them without one), by number."""
    get_draft(session, draft_id)
    query = select(Comment).where(Comment.draft_id == draft_id)
    if tag:
        query = query.join(CommentTag, CommentTag.comment_id == Comment.id).where(
            CommentTag.tag == normalise_tag(tag)
        )
    return session.scalars(query.order_by(Comment.id)).all()
