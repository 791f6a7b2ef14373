"""What staff send and receive about meetings: notices being prepared, applications with
the applicant's personal data, opinions being handled. Never shown to the public."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import Form
from pydantic import BaseModel, Field

from publisher.errors import CalendarNotCovered
from publisher.meetings import notices
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
from publisher.rules.predisclosure import MeetingKind
from publisher.rules.rulebook import RuleBook
from publisher.web.deps import IdField
from publisher.web.forms import parse_local_datetime
from publisher.web.schemas import LocalInstant

# ---------------------------------------------------------------------------------- public


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
    agenda_item_id: IdField | None = None
    #: the representative agreed (on paper or by phone) that the answer be public
    publish_answer: bool = False


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
    deadline_provisional_until_year: int | None = Field(
        None, description="the year whose holiday arrangement the deadline waits for"
    )
    deadline_office_zh: str | None = Field(
        None, description="the deadline as an office writes it, e.g. 最迟于2026年9月28日发布"
    )
    deadline_counting: str | None = Field(
        None, description="the counting convention in force: civil-code or inclusive"
    )

    @classmethod
    def of(cls, notice: MeetingNotice, now: dt.datetime, rules: RuleBook) -> StaffNoticeOut:
        # A row whose deadline cannot be computed is still shown: one meeting in a year not
        # yet loaded must not make the whole list (or the answer to its creation) fail.
        unknown: CalendarNotCovered | None = None
        try:
            deadline = notices.publication_deadline(notice, rules)
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
            deadline_provisional_until_year=deadline.provisional_until_year if deadline else None,
            deadline_office_zh=deadline.office_zh() if deadline else None,
            deadline_counting=deadline.counting.value if deadline else None,
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
    agenda_item_id: int | None
    checkin_code: str | None
    checked_in_at: LocalInstant | None

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
            agenda_item_id=a.agenda_item_id,
            checkin_code=a.checkin_code,
            checked_in_at=a.checked_in_at,
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
    agenda_item_id: int | None
    #: the representative agreed that the answer be public (/meetings/{id}/answers)
    publish_answer: bool

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
            agenda_item_id=o.agenda_item_id,
            publish_answer=o.publish_answer,
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
