"""The meeting API's and pages' data shapes: what comes in, and what the public and staff see.

Public models derive from `PublicModel` (no personal fields, ever); every instant goes out in
Beijing time (`LocalInstant`). Mappers are `Model.of(...)` class methods beside each model.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from publisher.meetings import applications, history, intake, outcomes
from publisher.meetings.models import (
    AgendaItem,
    MeetingApplication,
    MeetingNotice,
)
from publisher.meetings.vocabulary import (
    ApplicationStatus,
    DocumentKind,
    NoticeStatus,
    RepresentativeCategory,
)
from publisher.privacy import PublicModel
from publisher.rules.predisclosure import MeetingKind
from publisher.web.schemas import LocalInstant

# ---------------------------------------------------------------------------------- public


class RevisionOut(PublicModel):
    changed_at: LocalInstant
    sequence: int
    changes: dict[str, list[Any]] = Field(
        description="field: [old, new]; instants in Beijing time with their offset"
    )
    changes_zh: list[str] = Field(description="the same changes in plain Chinese")
    reason: str


def last_public_change(notice: MeetingNotice) -> dt.datetime:
    """When the public last saw the notice change: its publication, a revision after it, or its
    withdrawal; never an edit staff made before publishing (that showed '最后更新 14:04' above
    '发布时间 14:20')."""
    moments = [notice.published_at, notice.withdrawn_at, *(r.changed_at for r in notice.revisions)]
    seen = [m for m in moments if m is not None]
    return max(seen) if seen else notice.updated_at


class AgendaDocumentOut(PublicModel):
    kind: DocumentKind
    kind_label: str
    label: str
    url: str = Field(description="an http(s) URL or a path on this site")


class AgendaItemOut(PublicModel):
    id: int
    number: int
    title: str
    description: str
    documents: list[AgendaDocumentOut]
    decision: str = Field(description="what the meeting decided (empty before the outcome)")

    @classmethod
    def of(cls, item: AgendaItem) -> AgendaItemOut:
        return cls(
            id=item.id,
            number=item.position,
            title=item.title,
            description=item.description,
            documents=[
                AgendaDocumentOut(
                    kind=DocumentKind(d.kind),
                    kind_label=DocumentKind(d.kind).label_zh,
                    label=d.label,
                    url=d.url,
                )
                for d in item.documents
            ],
            decision=item.decision if item.notice.outcome is not None else "",
        )


class CountOut(PublicModel):
    label: str
    count: int


class OutcomeOut(PublicModel):
    """A meeting's published outcome: counts only, never names."""

    kind_label: str
    summary: str
    links: list[dict[str, str]]
    attended: int
    attendance: list[CountOut] = Field(description="public representatives by category")
    opinions: list[CountOut] = Field(description="their opinions by how they were handled")
    published_at: LocalInstant
    updated_at: LocalInstant

    @classmethod
    def of(cls, notice: MeetingNotice) -> OutcomeOut | None:
        shown = outcomes.view(notice)
        if shown is None or notice.status != NoticeStatus.SCHEDULED.value:
            return None
        return cls(
            kind_label=shown.kind_zh,
            summary=shown.summary,
            links=shown.links,
            attended=shown.attended,
            attendance=[CountOut(label=k, count=v) for k, v in shown.attendance],
            opinions=[CountOut(label=k, count=v) for k, v in shown.opinions],
            published_at=shown.published_at,
            updated_at=shown.updated_at,
        )


class NoticeOut(PublicModel):
    """A notice as the public sees it (withheld notices never reach this model). A withdrawn
    notice keeps its title, kind, meeting time, publication and withdrawal: its content and
    history are taken down with it (the matter may be secret by law)."""

    id: int
    kind: MeetingKind
    kind_label: str
    title: str
    starts_at: LocalInstant | None
    ends_at: LocalInstant | None
    place: str
    agenda: str = Field(description="the agenda items as a numbered list")
    agenda_items: list[AgendaItemOut]
    participation: str
    application_deadline: LocalInstant | None
    capacity: int
    places_left: int
    applications_open: bool
    waiting_list: bool = Field(
        description="the places are full: an application now goes on the waiting list"
    )
    media_allowed: bool
    status: NoticeStatus
    status_label: str
    cancel_reason: str | None
    withdrawn_at: LocalInstant | None
    withdrawal_reason: str | None
    published_at: LocalInstant | None
    updated_at: LocalInstant = Field(
        description="The last change the public saw: the publication, a later revision, the "
        "withdrawal. Editing before publication is not a public change."
    )
    sequence: int
    history: list[RevisionOut]
    outcome: OutcomeOut | None

    @classmethod
    def one(cls, session: Session, notice: MeetingNotice, now: dt.datetime) -> NoticeOut:
        taken = applications.places_taken(session, [notice.id]).get(notice.id, 0)
        return cls.of(notice, now, taken)

    @classmethod
    def list_of(
        cls, session: Session, notices: Sequence[MeetingNotice], now: dt.datetime
    ) -> list[NoticeOut]:
        """Many notices with one query for their places taken (never one per notice)."""
        taken = applications.places_taken(session, [n.id for n in notices])
        return [cls.of(n, now, taken.get(n.id, 0)) for n in notices]

    @classmethod
    def of(cls, notice: MeetingNotice, now: dt.datetime, taken: int) -> NoticeOut:
        if notice.status == NoticeStatus.WITHDRAWN.value:
            return cls._withdrawn(notice)
        return cls(
            id=notice.id,
            kind=MeetingKind(notice.kind),
            kind_label=MeetingKind(notice.kind).label_zh,
            title=notice.title,
            starts_at=notice.starts_at,
            ends_at=notice.ends_at,
            place=notice.place,
            agenda=notice.agenda,
            agenda_items=[AgendaItemOut.of(item) for item in notice.agenda_items],
            participation=notice.participation,
            application_deadline=applications.application_closes_at(notice),
            capacity=notice.capacity,
            places_left=max(0, notice.capacity - taken),
            applications_open=(is_open := applications.applications_open(notice, now)),
            waiting_list=is_open and taken >= notice.capacity,
            outcome=OutcomeOut.of(notice),
            media_allowed=notice.media_allowed,
            status=NoticeStatus(notice.status),
            status_label=NoticeStatus(notice.status).label_zh,
            cancel_reason=notice.cancel_reason,
            withdrawn_at=None,
            withdrawal_reason=None,
            published_at=notice.published_at,
            updated_at=last_public_change(notice),
            sequence=notice.sequence,
            history=[
                RevisionOut(
                    changed_at=r.changed_at,
                    sequence=r.sequence,
                    changes=(changes := history.revision_changes(r)),
                    changes_zh=history.change_lines_zh(changes),
                    reason=r.reason,
                )
                for r in notice.revisions
            ],
        )

    @classmethod
    def _withdrawn(cls, notice: MeetingNotice) -> NoticeOut:
        kind = MeetingKind(notice.kind)
        return cls(
            id=notice.id,
            kind=kind,
            kind_label=kind.label_zh,
            title=notice.title,
            starts_at=notice.starts_at,
            ends_at=notice.ends_at,
            place="",
            agenda="",
            agenda_items=[],
            participation="",
            application_deadline=None,
            capacity=0,
            places_left=0,
            applications_open=False,
            waiting_list=False,
            outcome=None,
            media_allowed=False,
            status=NoticeStatus.WITHDRAWN,
            status_label=NoticeStatus.WITHDRAWN.label_zh,
            cancel_reason=None,
            withdrawn_at=notice.withdrawn_at,
            withdrawal_reason=notice.withdrawal_reason,
            published_at=notice.published_at,
            updated_at=last_public_change(notice),
            sequence=notice.sequence,
            history=[],
        )


class NoticeListItem(PublicModel):
    """A line of the public list: what the list shows, without content or history."""

    id: int
    title: str
    kind_label: str
    starts_at: LocalInstant | None
    place: str
    status: NoticeStatus
    status_label: str
    applications_open: bool

    @classmethod
    def of(cls, notice: MeetingNotice, now: dt.datetime, taken: int) -> NoticeListItem:
        withdrawn = notice.status == NoticeStatus.WITHDRAWN.value
        return cls(
            id=notice.id,
            title=notice.title,
            kind_label=MeetingKind(notice.kind).label_zh,
            starts_at=notice.starts_at,
            place="" if withdrawn else notice.place,
            status=NoticeStatus(notice.status),
            status_label=NoticeStatus(notice.status).label_zh,
            applications_open=applications.applications_open(notice, now)
            and taken < notice.capacity,
        )


class OpinionOut(PublicModel):
    id: int
    body: str
    created_at: LocalInstant
    department: str | None
    assigned_at: LocalInstant | None
    answer: str | None
    answered_at: LocalInstant | None


class ApplicationStatusOut(PublicModel):
    """What the holder of a receipt code sees: the decision, never the personal data."""

    receipt_code: str
    meeting_id: int
    meeting_title: str
    category: RepresentativeCategory
    status: ApplicationStatus
    status_label: str
    review_note: str
    created_at: LocalInstant
    reviewed_at: LocalInstant | None
    opinions: list[OpinionOut]
    #: the meeting as it stands now: scheduled, cancelled or withdrawn, with the reason
    meeting_status: NoticeStatus
    meeting_status_label: str
    meeting_end_reason: str | None
    meeting_starts_at: LocalInstant | None
    meeting_place: str
    #: the time or place changed after the application was made
    meeting_moved: bool
    agenda_item_id: int | None
    waiting_position: int | None = Field(description="place on the waiting list, if waiting")
    checkin_code: str | None = Field(
        description="shown (with its QR) at the door; given when the application is approved"
    )
    checked_in_at: LocalInstant | None

    @classmethod
    def of(
        cls, application: MeetingApplication, waiting_position: int | None = None
    ) -> ApplicationStatusOut:
        notice = application.notice
        status = NoticeStatus(notice.status)
        approved = application.status == ApplicationStatus.APPROVED.value
        return cls(
            agenda_item_id=application.agenda_item_id,
            waiting_position=waiting_position,
            checkin_code=application.checkin_code if approved else None,
            checked_in_at=application.checked_in_at,
            meeting_status=status,
            meeting_status_label=status.label_zh,
            meeting_end_reason=(
                notice.cancel_reason
                if status is NoticeStatus.CANCELLED
                else notice.withdrawal_reason
                if status is NoticeStatus.WITHDRAWN
                else None
            ),
            meeting_starts_at=notice.starts_at,
            meeting_place=notice.place,
            meeting_moved=history.moved_since(notice, application.created_at),
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


class ApplicationIn(BaseModel):
    applicant_name: str = Field(min_length=1, max_length=100)
    phone: str = Field(max_length=32)  # the contact rule decides (publisher.contact)
    email: str | None = Field(None, max_length=254)
    category: RepresentativeCategory
    statement: str = Field("", max_length=5000)
    agenda_item_id: int | None = Field(None, ge=1, le=2**31 - 1)

    def to_input(self) -> intake.ApplicationInput:
        return intake.ApplicationInput(
            applicant_name=self.applicant_name,
            phone=self.phone,
            email=self.email,
            category=self.category,
            statement=self.statement,
            agenda_item_id=self.agenda_item_id,
        )


class ReceiptOut(BaseModel):
    receipt_code: str
    status: ApplicationStatus
    message_zh: str


class OpinionIn(BaseModel):
    body: str = Field(min_length=1, max_length=5000)
    agenda_item_id: int | None = Field(None, ge=1, le=2**31 - 1)
    #: the answer may be public, with the opinion masked and without the representative's name
    publish_answer: bool = False


# ----------------------------------------------------------------------------------- staff
