"""The meeting API's and pages' data shapes: what comes in, and what the public and staff see.

Public models derive from `PublicModel` (no personal fields, ever); every instant goes out in
Beijing time (`LocalInstant`). Mappers are `Model.of(...)` class methods beside each model.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Annotated, Any

from fastapi import Form
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from publisher.errors import CalendarNotCovered
from publisher.meetings import applications, notices
from publisher.meetings.models import (
    MeetingApplication,
    MeetingNotice,
    RepresentativeOpinion,
)
from publisher.meetings.notices import NoticeDraft
from publisher.meetings.vocabulary import (
    ApplicationStatus,
    NoticeStatus,
    RepresentativeCategory,
)
from publisher.privacy import PublicModel
from publisher.rules.predisclosure import MeetingKind
from publisher.rules.workcalendar import WorkCalendar
from publisher.web.deps import IdField
from publisher.web.forms import parse_local_datetime
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
    agenda: str
    participation: str
    application_deadline: LocalInstant | None
    capacity: int
    places_left: int
    applications_open: bool
    media_allowed: bool
    status: NoticeStatus
    status_label: str
    cancel_reason: str | None
    withdrawn_at: LocalInstant | None
    withdrawal_reason: str | None
    published_at: LocalInstant | None
    updated_at: LocalInstant
    sequence: int
    history: list[RevisionOut]

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
            participation=notice.participation,
            application_deadline=applications.application_closes_at(notice),
            capacity=notice.capacity,
            places_left=max(0, notice.capacity - taken),
            applications_open=applications.applications_open(notice, now),
            media_allowed=notice.media_allowed,
            status=NoticeStatus(notice.status),
            status_label=NoticeStatus(notice.status).label_zh,
            cancel_reason=notice.cancel_reason,
            withdrawn_at=None,
            withdrawal_reason=None,
            published_at=notice.published_at,
            updated_at=notice.updated_at,
            sequence=notice.sequence,
            history=[
                RevisionOut(
                    changed_at=r.changed_at,
                    sequence=r.sequence,
                    changes=(changes := notices.revision_changes(r)),
                    changes_zh=notices.change_lines_zh(changes),
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
            participation="",
            application_deadline=None,
            capacity=0,
            places_left=0,
            applications_open=False,
            media_allowed=False,
            status=NoticeStatus.WITHDRAWN,
            status_label=NoticeStatus.WITHDRAWN.label_zh,
            cancel_reason=None,
            withdrawn_at=notice.withdrawn_at,
            withdrawal_reason=notice.withdrawal_reason,
            published_at=notice.published_at,
            updated_at=notice.updated_at,
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


class ApplicationIn(BaseModel):
    applicant_name: str = Field(min_length=1, max_length=100)
    phone: str = Field(max_length=32)  # the contact rule decides (publisher.contact)
    email: str | None = Field(None, max_length=254)
    category: RepresentativeCategory
    statement: str = Field("", max_length=5000)

    def to_input(self) -> applications.ApplicationInput:
        return applications.ApplicationInput(
            applicant_name=self.applicant_name,
            phone=self.phone,
            email=self.email,
            category=self.category,
            statement=self.statement,
        )


class ReceiptOut(BaseModel):
    receipt_code: str
    status: ApplicationStatus
    message_zh: str


class OpinionIn(BaseModel):
    body: str = Field(min_length=1, max_length=5000)


# ----------------------------------------------------------------------------------- staff


class NoticeIn(BaseModel):
    kind: MeetingKind
    title: str = Field(min_length=1, max_length=200)
    starts_at: dt.datetime | None = None
    ends_at: dt.datetime | None = None
    place: str = Field("", max_length=200)
    agenda: str = Field("", max_length=20000)
    participation: str = Field("", max_length=5000)
    application_deadline: dt.datetime | None = None
    capacity: int = Field(0, ge=0, le=10000)
    media_allowed: bool = True
    withheld: bool = False
    publication_at: dt.datetime | None = None


class NoticePatch(BaseModel):
    kind: MeetingKind | None = None
    title: str | None = Field(None, min_length=1, max_length=200)
    starts_at: dt.datetime | None = None
    ends_at: dt.datetime | None = None
    place: str | None = Field(None, max_length=200)
    agenda: str | None = Field(None, max_length=20000)
    participation: str | None = Field(None, max_length=5000)
    application_deadline: dt.datetime | None = None
    capacity: int | None = Field(None, ge=0, le=10000)
    media_allowed: bool | None = None
    withheld: bool | None = None
    reason: str = Field("", max_length=2000)


class PublishIn(BaseModel):
    publication_at: dt.datetime | None = Field(
        None,
        description="when the notice becomes public; empty: now. Never in the past: the "
        "public record cannot be backdated (up to 5 minutes back counts as now).",
    )


class CancelIn(BaseModel):
    reason: str = Field(min_length=1, max_length=2000)


class WithdrawIn(BaseModel):
    reason: str = Field(
        min_length=1,
        max_length=2000,
        description="shown publicly; may say only that the matter is secret by law",
    )


class DecisionIn(BaseModel):
    approve: bool
    note: str = Field("", max_length=2000)


class StaffOpinionIn(BaseModel):
    application_id: IdField
    body: str = Field(min_length=1, max_length=5000)


class AssignIn(BaseModel):
    department: str = Field(min_length=1, max_length=200)
    note: str = Field("", max_length=2000)


class AnswerIn(BaseModel):
    answer: str = Field(min_length=1, max_length=10000)


class StaffNoticeOut(BaseModel):
    """Staff view: everything, including withheld and not-yet-public notices."""

    id: int
    kind: MeetingKind
    title: str
    starts_at: LocalInstant | None
    ends_at: LocalInstant | None
    place: str
    agenda: str
    participation: str
    application_deadline: LocalInstant | None
    capacity: int
    media_allowed: bool
    withheld: bool
    published_at: LocalInstant | None
    public_now: bool
    status: NoticeStatus
    cancel_reason: str | None
    withdrawn_at: LocalInstant | None
    withdrawal_reason: str | None
    sequence: int
    updated_at: LocalInstant
    missing_for_publication: list[str]
    latest_publication: LocalInstant | None
    rule_explanation_zh: str | None
    rule_explanation_en: str | None
    deadline_unknown_zh: str | None = Field(
        description="why the latest publication time cannot be computed (e.g. year not loaded)"
    )
    deadline_unknown_en: str | None
    deadline_provisional: bool = Field(
        description="the deadline counts late-December days of the last loaded year; it "
        "stands until the next year's holiday arrangement is published"
    )

    @classmethod
    def of(cls, notice: MeetingNotice, now: dt.datetime, calendar: WorkCalendar) -> StaffNoticeOut:
        # A row whose deadline cannot be computed is still shown: one meeting in a year not
        # yet loaded must not make the whole list (or the answer to its creation) fail.
        unknown: CalendarNotCovered | None = None
        try:
            deadline = notices.publication_deadline(notice, calendar)
        except CalendarNotCovered as exc:
            deadline, unknown = None, exc
        return cls(
            id=notice.id,
            kind=MeetingKind(notice.kind),
            title=notice.title,
            starts_at=notice.starts_at,
            ends_at=notice.ends_at,
            place=notice.place,
            agenda=notice.agenda,
            participation=notice.participation,
            application_deadline=notice.application_deadline,
            capacity=notice.capacity,
            media_allowed=notice.media_allowed,
            withheld=notice.withheld,
            published_at=notice.published_at,
            public_now=notice.is_public(now),
            status=NoticeStatus(notice.status),
            cancel_reason=notice.cancel_reason,
            withdrawn_at=notice.withdrawn_at,
            withdrawal_reason=notice.withdrawal_reason,
            sequence=notice.sequence,
            updated_at=notice.updated_at,
            missing_for_publication=notices.missing_for_publication(notice),
            latest_publication=deadline.instant if deadline else None,
            rule_explanation_zh=deadline.render_zh() if deadline else None,
            rule_explanation_en=deadline.render_en() if deadline else None,
            deadline_provisional=bool(deadline and deadline.provisional),
            deadline_unknown_zh=(
                f"最迟发布时间暂无法计算：{unknown.message_zh}" if unknown else None
            ),
            deadline_unknown_en=(
                f"The latest publication time cannot be computed: {unknown.message_en}"
                if unknown
                else None
            ),
        )


class StaffApplicationOut(BaseModel):
    """Staff only: carries the applicant's personal data."""

    id: int
    receipt_code: str
    applicant_name: str
    #: None once erased by the retention rule (`contact_erased_at`)
    phone: str | None
    email: str | None
    category: RepresentativeCategory
    statement: str
    status: ApplicationStatus
    review_note: str
    created_at: LocalInstant
    reviewed_at: LocalInstant | None
    reviewed_by: str | None
    contact_erased_at: LocalInstant | None

    @classmethod
    def of(cls, a: MeetingApplication) -> StaffApplicationOut:
        return cls(
            id=a.id,
            receipt_code=a.receipt_code,
            applicant_name=a.applicant_name,
            phone=a.phone,
            email=a.email,
            category=RepresentativeCategory(a.category),
            statement=a.statement,
            status=ApplicationStatus(a.status),
            review_note=a.review_note,
            created_at=a.created_at,
            reviewed_at=a.reviewed_at,
            reviewed_by=a.reviewed_by,
            contact_erased_at=a.contact_erased_at,
        )


class StaffOpinionOut(BaseModel):
    id: int
    application_id: int
    receipt_code: str
    body: str
    recorded_by: str
    created_at: LocalInstant
    department: str | None
    assignment_note: str
    assigned_at: LocalInstant | None
    answer: str | None
    answered_at: LocalInstant | None
    answered_by: str | None

    @classmethod
    def of(cls, o: RepresentativeOpinion) -> StaffOpinionOut:
        return cls(
            id=o.id,
            application_id=o.application_id,
            receipt_code=o.application.receipt_code,
            body=o.body,
            recorded_by=o.recorded_by,
            created_at=o.created_at,
            department=o.department,
            assignment_note=o.assignment_note,
            assigned_at=o.assigned_at,
            answer=o.answer,
            answered_at=o.answered_at,
            answered_by=o.answered_by,
        )


class NoticeForm(BaseModel):
    """The notice form of the staff pages, shared by "prepare" and "edit"."""

    kind: MeetingKind
    title: str = Field(max_length=200)
    starts_at: str = Field("", max_length=40)
    ends_at: str = Field("", max_length=40)
    place: str = Field("", max_length=200)
    agenda: str = Field("", max_length=20000)
    participation: str = Field("", max_length=5000)
    application_deadline: str = Field("", max_length=40)
    capacity: int = Field(0, ge=0, le=10000)
    media_allowed: bool = False
    withheld: bool = False
    reason: str = Field("", max_length=2000)

    def draft(self) -> NoticeDraft:
        return NoticeDraft(**self.fields())

    def fields(self) -> dict[str, Any]:
        """The notice's fields, with local date-times parsed (a bad one is a clear 422)."""
        return {
            "kind": self.kind,
            "title": self.title,
            "starts_at": parse_local_datetime(self.starts_at, "starts_at", "开始时间"),
            "ends_at": parse_local_datetime(self.ends_at, "ends_at", "结束时间"),
            "place": self.place,
            "agenda": self.agenda,
            "participation": self.participation,
            "application_deadline": parse_local_datetime(
                self.application_deadline, "application_deadline", "报名截止时间"
            ),
            "capacity": self.capacity,
            "media_allowed": self.media_allowed,
            "withheld": self.withheld,
        }


NoticeFormData = Annotated[NoticeForm, Form()]
