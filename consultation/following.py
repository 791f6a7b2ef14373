"""What of the consultations can be followed (关注, issue #13 item 3): one consultation, a
department's consultations, all consultations. The follow itself (double opt-in, limits,
one-click unsubscribe) is `publisher.notifications.following`; this module says whether the
topic exists and what it is called. Alerts: `consultation.notify`."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from consultation.drafts import get_public_draft
from consultation.models import ConsultationDraft
from publisher.errors import Conflict, NotFound
from publisher.notifications import following
from publisher.notifications.following import Topic
from publisher.notifications.vocabulary import TopicKind


def draft_topic(session: Session, draft_id: int, now: dt.datetime) -> Topic:
    draft = get_public_draft(session, draft_id, now)
    if draft.summary_published_at is not None:
        raise Conflict(
            "The adoption summary is published: there is nothing more to follow.",
            "意见采纳情况已公布，本次征求意见已结束，无需关注。",
        )
    return Topic(
        TopicKind.CONSULTATION, str(draft.id), f"《{draft.title}》", f"/consultations/{draft.id}"
    )


ALL_CONSULTATIONS = Topic(TopicKind.CONSULTATIONS, "", "全部征求意见", "/consultations")


def departments(session: Session, now: dt.datetime) -> list[str]:
    """Departments that have published a consultation, by name."""
    return list(
        session.scalars(
            select(ConsultationDraft.department)
            .where(
                ConsultationDraft.department != "",
                ConsultationDraft.published_at <= now,
                ConsultationDraft.secret_by_law.is_(False),
            )
            .distinct()
            .order_by(ConsultationDraft.department)
        )
    )


def department_topic(session: Session, department: str, now: dt.datetime) -> Topic:
    """A department that has published at least one consultation."""
    found = session.scalar(
        select(ConsultationDraft.id)
        .where(
            ConsultationDraft.department == department,
            ConsultationDraft.published_at <= now,
            ConsultationDraft.secret_by_law.is_(False),
        )
        .limit(1)
    )
    if found is None or not department:
        raise NotFound(f"No department {department!r}.", f"未找到部门“{department}”的征求意见。")
    return Topic(
        TopicKind.DEPARTMENT,
        department,
        f"{department}的征求意见",
        f"/consultations?department={department}",
    )


def follow(
    session: Session, draft_id: int, raw_email: str, now: dt.datetime, *, requester: str
) -> Topic:
    """Ask to follow one consultation (see `publisher.notifications.following.follow`)."""
    return following.follow(
        session, lambda s: draft_topic(s, draft_id, now), raw_email, now, requester=requester
    )
