"""The answers to representatives' opinions that the representatives agreed to make public
(issue #17 item 3): each with the opinion and its answer (personal data masked), the
representative's category, the agenda item and the department that answered. Never a name,
a receipt code or a contact. The meeting's outcome links them from its opinion counts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from publisher.meetings.models import (
    AgendaItem,
    MeetingApplication,
    MeetingNotice,
    RepresentativeOpinion,
)
from publisher.meetings.vocabulary import NoticeStatus, RepresentativeCategory
from publisher.privacy import mask_personal_text


@dataclass(frozen=True)
class PublicAnswer:
    #: the opinion's number (its id), the same in every listing
    number: int
    category_zh: str
    #: "第2项：审议…", or "" when the opinion named no item
    item: str
    opinion: str
    department: str
    answer: str
    answered_at: dt.datetime


def _published(notice_id: int) -> Select[RepresentativeOpinion, str, AgendaItem]:
    return (
        select(RepresentativeOpinion, MeetingApplication.category, AgendaItem)
        .join(MeetingApplication, MeetingApplication.id == RepresentativeOpinion.application_id)
        .join(MeetingNotice, MeetingNotice.id == MeetingApplication.notice_id)
        .outerjoin(AgendaItem, AgendaItem.id == RepresentativeOpinion.agenda_item_id)
        .where(
            MeetingApplication.notice_id == notice_id,
            MeetingNotice.status != NoticeStatus.WITHDRAWN.value,
            RepresentativeOpinion.publish_answer.is_(True),
            RepresentativeOpinion.answer.is_not(None),
            RepresentativeOpinion.answered_at.is_not(None),
        )
    )


def count_public_answers(session: Session, notice_id: int) -> int:
    query = _published(notice_id).with_only_columns(func.count(RepresentativeOpinion.id))
    return session.scalar(query) or 0


def public_answers(session: Session, notice_id: int) -> list[PublicAnswer]:
    """In the order they were answered."""
    rows = session.execute(
        _published(notice_id).order_by(RepresentativeOpinion.answered_at, RepresentativeOpinion.id)
    ).all()
    return [
        PublicAnswer(
            number=opinion.id,
            category_zh=RepresentativeCategory(category).label_zh,
            item=f"第{item.position}项：{item.title}" if item is not None else "",
            opinion=mask_personal_text(opinion.body),
            department=opinion.department or "",
            answer=mask_personal_text(opinion.answer or ""),
            answered_at=opinion.answered_at,
        )
        for opinion, category, item in rows
        if opinion.answered_at is not None
    ]
