"""What staff send and receive about a meeting as an event: its agenda items, attendance and
check-in at the door, and its outcome. Staff only (the attendee list carries names)."""

from __future__ import annotations

from pydantic import BaseModel, Field

from publisher.meetings.agenda_items import DocumentInput, ItemInput
from publisher.meetings.attendance import Attendance, CheckIn
from publisher.meetings.models import MeetingApplication, MeetingAttachment
from publisher.meetings.outcomes import OutcomeInput
from publisher.meetings.vocabulary import DocumentKind, RepresentativeCategory, SummaryKind
from publisher.web.schemas import LocalInstant


class DocumentIn(BaseModel):
    kind: DocumentKind
    label: str = Field("", max_length=200)
    url: str = Field(
        min_length=1,
        max_length=500,
        description="an http(s) URL, a path on this site, or for a consultation or a gazette "
        "document its number (made into /consultations/N or /documents/N)",
    )

    def to_input(self) -> DocumentInput:
        return DocumentInput(self.kind, self.label, self.url)


class AgendaItemIn(BaseModel):
    title: str = Field(min_length=1, max_length=200)
    description: str = Field("", max_length=5000)
    documents: list[DocumentIn] = Field(default_factory=list, max_length=10)


class AgendaIn(BaseModel):
    items: list[AgendaItemIn] = Field(max_length=50)
    reason: str = Field("", max_length=2000, description="shown in the public history")

    def to_items(self) -> list[ItemInput]:
        return [
            ItemInput(i.title, i.description, [d.to_input() for d in i.documents])
            for i in self.items
        ]


class CheckInIn(BaseModel):
    code: str = Field(min_length=1, max_length=40, description="as typed or scanned")


class AttendeeOut(BaseModel):
    application_id: int
    applicant_name: str
    category: RepresentativeCategory
    checkin_code: str | None
    checked_in_at: LocalInstant | None

    @classmethod
    def of(cls, a: MeetingApplication) -> AttendeeOut:
        return cls(
            application_id=a.id,
            applicant_name=a.applicant_name,
            category=RepresentativeCategory(a.category),
            checkin_code=a.checkin_code,
            checked_in_at=a.checked_in_at,
        )


class CheckInOut(BaseModel):
    attendee: AttendeeOut
    already_checked_in: bool

    @classmethod
    def of(cls, result: CheckIn) -> CheckInOut:
        return cls(attendee=AttendeeOut.of(result.application), already_checked_in=result.already)


class AttendanceOut(BaseModel):
    capacity: int
    approved: int
    pending: int
    waiting: int
    checked_in: int
    no_shows: int | None = Field(description="approved but not checked in; once it has begun")
    checked_in_by_category: dict[str, int]

    @classmethod
    def of(cls, a: Attendance) -> AttendanceOut:
        return cls(
            capacity=a.capacity,
            approved=a.approved,
            pending=a.pending,
            waiting=a.waiting,
            checked_in=a.checked_in,
            no_shows=a.no_shows,
            checked_in_by_category=a.by_category,
        )


class OutcomeIn(BaseModel):
    summary_kind: SummaryKind
    summary: str = Field(min_length=1, max_length=20000)
    decisions: dict[int, str] = Field(
        default_factory=dict, description="agenda item number (1-based) → what was decided"
    )
    links: list[DocumentIn] = Field(default_factory=list, max_length=10)

    def to_input(self) -> OutcomeInput:
        return OutcomeInput(
            self.summary_kind,
            self.summary,
            {n: text[:20000] for n, text in self.decisions.items()},
            [d.to_input() for d in self.links],
        )


class MeetingAttachmentOut(BaseModel):
    """A file uploaded as an agenda item's document, and where the public downloads it."""

    id: int
    meeting_id: int
    item: int = Field(description="the agenda item (1-based) that links it")
    title: str
    filename: str
    media_type: str
    size: int
    sha256: str
    uploaded_at: LocalInstant
    uploaded_by: str
    download_url: str

    @classmethod
    def of(cls, a: MeetingAttachment, item: int) -> MeetingAttachmentOut:
        return cls(
            id=a.id,
            meeting_id=a.notice_id,
            item=item,
            title=a.title,
            filename=a.filename,
            media_type=a.media_type,
            size=a.size,
            sha256=a.sha256,
            uploaded_at=a.uploaded_at,
            uploaded_by=a.uploaded_by,
            download_url=a.path(),
        )
