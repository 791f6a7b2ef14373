"""Groups of near-duplicate comments answered once (issue #16 item 5): a campaign of 500
identical letters gets one disposition and one reason, and each commenter is still told
through the outbox (`answers.record_and_tell`).

The service proposes groups itself: comments whose normalised text is the same (the intake's
fingerprint: letters and digits only, case folded), then those whose texts are alike by
`difflib.SequenceMatcher.ratio()` >= 0.9 (a campaign letter with a name or a date changed).
Staff decide: a proposal becomes a group only when staff create it.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from consultation.answers import Answered, record_and_tell
from consultation.comments import refuse_after_summary, text_fingerprint
from consultation.drafts import get_draft
from consultation.models import Comment, CommentGroup, CommentGroupMember
from consultation.vocabulary import Disposition
from publisher.errors import Conflict, NotFound, ValidationFailed, required_text
from publisher.staff import audit
from publisher.staff.principal import StaffPrincipal
from publisher.storage.db import unit_of_work

#: texts at least this alike are proposed as one group
SIMILARITY = 0.9
#: distinct texts compared pairwise at most (the rest are grouped by identical text only)
MAX_COMPARED = 500


@dataclass(frozen=True)
class Proposal:
    comment_ids: list[int]
    #: the text of the first comment, to recognise the campaign
    sample: str
    #: identical texts only, or alike
    identical: bool


def _ungrouped_unanswered(session: Session, draft_id: int) -> list[tuple[int, str]]:
    grouped = select(CommentGroupMember.comment_id)
    return [
        (comment_id, body)
        for comment_id, body in session.execute(
            select(Comment.id, Comment.body)
            .where(
                Comment.draft_id == draft_id,
                Comment.disposition.is_(None),
                Comment.hidden_at.is_(None),
                Comment.id.not_in(grouped),
            )
            .order_by(Comment.id)
        )
    ]


def propose_groups(session: Session, draft_id: int) -> list[Proposal]:
    """Unanswered comments not yet in a group that look like one campaign, largest first."""
    get_draft(session, draft_id)
    by_text: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for comment_id, body in _ungrouped_unanswered(session, draft_id):
        by_text[text_fingerprint(body)].append((comment_id, body))
    keys = list(by_text)
    normal = {k: "".join(ch for ch in by_text[k][0][1].casefold() if ch.isalnum()) for k in keys}
    parent = {k: k for k in keys}

    def root(k: str) -> str:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    compared = keys[:MAX_COMPARED]
    for i, a in enumerate(compared):
        matcher = difflib.SequenceMatcher(None, normal[a], autojunk=False)
        for b in compared[i + 1 :]:
            if root(a) == root(b):
                continue
            longer = max(len(normal[a]), len(normal[b])) or 1
            if min(len(normal[a]), len(normal[b])) / longer < SIMILARITY:
                continue  # the ratio cannot reach the threshold
            matcher.set_seq2(normal[b])
            if (
                matcher.real_quick_ratio() >= SIMILARITY
                and matcher.quick_ratio() >= SIMILARITY
                and matcher.ratio() >= SIMILARITY
            ):
                parent[root(b)] = root(a)
    clusters: dict[str, list[str]] = defaultdict(list)
    for k in keys:
        clusters[root(k)].append(k)
    proposals = []
    for members in clusters.values():
        items = sorted(item for k in members for item in by_text[k])
        if len(items) < 2:
            continue
        proposals.append(Proposal([i for i, _ in items], items[0][1], identical=len(members) == 1))
    return sorted(proposals, key=lambda p: (-len(p.comment_ids), p.comment_ids[0]))


@unit_of_work
def create_group(
    session: Session,
    principal: StaffPrincipal,
    draft_id: int,
    comment_ids: Sequence[int],
    title: str,
    now: dt.datetime,
) -> CommentGroup:
    """Merge comments of one consultation into a group, to be answered once. A comment already
    in a group, or already answered, is refused (Conflict): a group is answered as one."""
    draft = get_draft(session, draft_id)
    refuse_after_summary(draft)
    title = required_text(title, "title", "分组名称")[:200]
    ids = sorted(set(comment_ids))
    if len(ids) < 2:
        raise ValidationFailed("A group needs two comments or more.", "请至少选择两条意见合并。")
    comments = session.scalars(
        select(Comment).where(Comment.id.in_(ids), Comment.draft_id == draft_id)
    ).all()
    missing = sorted(set(ids) - {c.id for c in comments})
    if missing:
        raise NotFound(
            f"No comments {missing} on this consultation.",
            f"本次征求意见中没有编号为{'、'.join(map(str, missing))}的意见。",
        )
    answered = [c.id for c in comments if c.disposition is not None]
    if answered:
        raise Conflict(
            f"Comments {answered} are already answered.",
            f"编号为{'、'.join(map(str, answered))}的意见已答复，不能再合并。",
        )
    taken = sorted(
        session.scalars(
            select(CommentGroupMember.comment_id).where(CommentGroupMember.comment_id.in_(ids))
        ).all()
    )
    if taken:
        raise Conflict(
            f"Comments {taken} are already in a group.",
            f"编号为{'、'.join(map(str, taken))}的意见已在其他分组中。",
        )
    group = CommentGroup(
        draft_id=draft_id, title=title, created_at=now, created_by=principal.username
    )
    session.add(group)
    session.flush()
    session.add_all(CommentGroupMember(group_id=group.id, comment_id=i) for i in ids)
    audit.record(
        session, principal, "consultation.group.create", "consultation_comment_group", group.id,
        draft_id=draft_id, comment_ids=ids,
    )  # fmt: skip
    return group


def _group_of(session: Session, draft_id: int, group_id: int) -> CommentGroup:
    group = session.get(CommentGroup, group_id)
    if group is None or group.draft_id != draft_id:
        raise NotFound(f"No group {group_id} here.", f"未找到编号为{group_id}的意见分组。")
    return group


def member_ids(session: Session, group_id: int) -> list[int]:
    return list(
        session.scalars(
            select(CommentGroupMember.comment_id)
            .where(CommentGroupMember.group_id == group_id)
            .order_by(CommentGroupMember.comment_id)
        ).all()
    )


@unit_of_work
def dissolve_group(
    session: Session, principal: StaffPrincipal, draft_id: int, group_id: int
) -> None:
    """Undo a merge (its comments stay, each answered or not as it was)."""
    group = _group_of(session, draft_id, group_id)
    ids = member_ids(session, group.id)
    session.execute(delete(CommentGroupMember).where(CommentGroupMember.group_id == group.id))
    session.delete(group)
    audit.record(
        session, principal, "consultation.group.dissolve", "consultation_comment_group",
        group_id, draft_id=draft_id, comment_ids=ids,
    )  # fmt: skip


@unit_of_work
def answer_group(
    session: Session,
    principal: StaffPrincipal,
    draft_id: int,
    group_id: int,
    disposition: Disposition,
    reason: str,
    now: dt.datetime,
) -> Answered:
    """One disposition and reason for every comment of the group; each commenter who left a
    contact gets their own message in the outbox, in this same unit of work."""
    group = _group_of(session, draft_id, group_id)
    return record_and_tell(
        session, principal, draft_id, member_ids(session, group.id), disposition, reason, now
    )


@dataclass(frozen=True)
class GroupView:
    group: CommentGroup
    size: int
    answered: int
    sample: str


def list_groups(session: Session, draft_id: int) -> list[GroupView]:
    """The consultation's groups with their size, how many are answered and a sample text, in
    three statements."""
    get_draft(session, draft_id)
    groups = session.scalars(
        select(CommentGroup).where(CommentGroup.draft_id == draft_id).order_by(CommentGroup.id)
    ).all()
    stats = {
        group_id: (size, answered, first)
        for group_id, size, answered, first in session.execute(
            select(
                CommentGroupMember.group_id,
                func.count(Comment.id),
                func.count(Comment.disposition),
                func.min(Comment.id),
            )
            .join(Comment, Comment.id == CommentGroupMember.comment_id)
            .where(Comment.draft_id == draft_id)
            .group_by(CommentGroupMember.group_id)
        )
    }
    firsts = [s[2] for s in stats.values()]
    samples: dict[int, str] = {
        comment_id: body
        for comment_id, body in session.execute(
            select(Comment.id, Comment.body).where(Comment.id.in_(firsts))
        )
    }
    return [
        GroupView(
            g,
            stats.get(g.id, (0, 0, 0))[0],
            stats.get(g.id, (0, 0, 0))[1],
            samples.get(stats.get(g.id, (0, 0, 0))[2], ""),
        )
        for g in groups
    ]


def group_by_comment(session: Session, draft_id: int) -> dict[int, int]:
    """Each grouped comment's group id, in one statement."""
    return {
        comment_id: group_id
        for comment_id, group_id in session.execute(
            select(CommentGroupMember.comment_id, CommentGroupMember.group_id)
            .join(CommentGroup, CommentGroup.id == CommentGroupMember.group_id)
            .where(CommentGroup.draft_id == draft_id)
        )
    }
