"""Shared pieces of the meeting routes: form parsing and the public response models."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from publisher.meetings import service
from publisher.meetings.models import (
    ApplicationStatus,
    MeetingApplication,
    MeetingNotice,
    NoticeStatus,
    RepresentativeCategory,
)
from publisher.privacy import PublicModel
from publisher.rules.predisclosure import MeetingKind
from publisher.timeutil import LOCAL_TZ

# the clock and calendar dependencies live in publisher.web.deps (shared by every feature)


def parse_local(value: str | None) -> dt.datetime | None:
    """A form's ``datetime-local`` value, read as Asia/Shanghai; aware ISO strings are kept."""
    if value is None or not value.strip():
        return None
    parsed = dt.datetime.fromisoformat(value.strip())
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=LOCAL_TZ)


class RevisionOut(PublicModel):
    changed_at: dt.datetime
    sequence: int
    changes: dict[str, list[Any]]
    reason: str


class NoticeOut(PublicModel):
    """A notice as the public sees it (withheld notices never reach this model)."""

    id: int
    kind: MeetingKind
    kind_label: str
    title: str
    starts_at: dt.datetime | None
    ends_at: dt.datetime | None
    place: str
    agenda: str
    participation: str
    application_deadline: dt.datetime | None
    capacity: int
    places_left: int
    applications_open: bool
    media_allowed: bool
    status: NoticeStatus
    status_label: str
    cancel_reason: str | None
    published_at: dt.datetime | None
    updated_at: dt.datetime
    sequence: int
    history: list[RevisionOut]

    @classmethod
    def of(cls, session: Session, notice: MeetingNotice, now: dt.datetime) -> NoticeOut:
        return cls(
            id=notice.id,
            kind=MeetingKind(notice.kind),
            kind_label=MeetingKind(notice.kind).label_zh,
            title=notice.title,
            starts_at=notice.starts_at,
            ends_at=notice.ends_at,
            place=notice.place,
            agenda=notice.agenda,
            participation=notice.participation,
            application_deadline=service.application_closes_at(notice),
            capacity=notice.capacity,
            places_left=service.places_left(session, notice),
            applications_open=service.applications_open(notice, now),
            media_allowed=notice.media_allowed,
            status=NoticeStatus(notice.status),
            status_label=NoticeStatus(notice.status).label_zh,
            cancel_reason=notice.cancel_reason,
            published_at=notice.published_at,
            updated_at=notice.updated_at,
            sequence=notice.sequence,
            history=[
                RevisionOut(
                    changed_at=r.changed_at,
                    sequence=r.sequence,
                    changes=service.revision_changes(r),
                    reason=r.reason,
                )
                for r in notice.revisions
            ],
        )


class OpinionOut(PublicModel):
    id: int
    body: str
    created_at: dt.datetime
    department: str | None
    assigned_at: dt.datetime | None
    answer: str | None
    answered_at: dt.datetime | None


class ApplicationStatusOut(PublicModel):
    """What the holder of a receipt code sees: the decision, never the personal data."""

    receipt_code: str
    meeting_id: int
    meeting_title: str
    category: RepresentativeCategory
    status: ApplicationStatus
    status_label: str
    review_note: str
    created_at: dt.datetime
    reviewed_at: dt.datetime | None
    opinions: list[OpinionOut]

    @classmethod
    def of(cls, application: MeetingApplication) -> ApplicationStatusOut:
        return cls(
            receipt_code=application.receipt_code,
            meeting_id=application.notice_id,
            meeting_title=application.notice.title,
            category=RepresentativeCategory(application.category),
            status=ApplicationStatus(application.status),
            status_label=ApplicationStatus(application.status).label_zh,
            review_note=application.review_note,
            created_at=application.created_at,
            reviewed_at=application.reviewed_at,
            opinions=[
                OpinionOut(
                    id=o.id,
                    body=o.body,
                    created_at=o.created_at,
                    department=o.department,
                    assigned_at=o.assigned_at,
                    answer=o.answer,
                    answered_at=o.answered_at,
                )
                for o in application.opinions
            ],
        )


FIELD_LABELS_ZH = {
    "kind": "会议类别",
    "title": "会议名称",
    "starts_at": "开始时间",
    "ends_at": "结束时间",
    "place": "地点",
    "agenda": "主要内容",
    "participation": "公众参与方式",
    "application_deadline": "报名截止时间",
    "capacity": "公众参会名额",
    "media_allowed": "媒体采访",
    "status": "状态",
    "cancel_reason": "取消原因",
}
