"""The two rules as this office applies them (settings: counting per rule, lead per kind, when
the working day starts), bound to the calendar: what use cases take to compute deadlines."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from publisher.rules.deadline import Counting, Deadline
from publisher.rules.predisclosure import (
    DEFAULT_NOTICE_LEADS,
    WORKDAY_STARTS,
    ConsultationProfile,
    MeetingKind,
    check_consultation_window,
    check_notice_publication,
    earliest_consultation_close,
    latest_notice_publication,
    notice_leads,
)
from publisher.rules.workcalendar import WorkCalendar

__all__ = ["RuleBook"]


@dataclass(frozen=True)
class RuleBook:
    """The two rules as this office applies them: the calendar, the counting convention chosen
    for each rule, the lead per meeting kind and when the working day starts (all settings).
    Use cases take one of these, so every deadline they compute follows the same choices."""

    calendar: WorkCalendar
    notice_counting: Counting = Counting.CIVIL_CODE
    consultation_counting: Counting = Counting.CIVIL_CODE
    leads: Mapping[MeetingKind, int] = field(default_factory=lambda: DEFAULT_NOTICE_LEADS)
    workday_starts: dt.time = WORKDAY_STARTS

    @classmethod
    def of(
        cls,
        calendar: WorkCalendar,
        *,
        notice_counting: str = Counting.CIVIL_CODE,
        consultation_counting: str = Counting.CIVIL_CODE,
        lead_days: Mapping[str, int] | None = None,
        workday_starts: dt.time = WORKDAY_STARTS,
    ) -> RuleBook:
        return cls(
            calendar,
            Counting(notice_counting),
            Counting(consultation_counting),
            MappingProxyType(
                notice_leads({MeetingKind(k): v for k, v in (lead_days or {}).items()})
            ),
            workday_starts,
        )

    def latest_notice_publication(self, meeting_start: dt.datetime, kind: MeetingKind) -> Deadline:
        return latest_notice_publication(
            meeting_start,
            kind,
            self.calendar,
            self.leads,
            counting=self.notice_counting,
            workday_starts=self.workday_starts,
        )

    def check_notice_publication(
        self, publication_at: dt.datetime, meeting_start: dt.datetime, kind: MeetingKind
    ) -> None:
        check_notice_publication(
            publication_at,
            meeting_start,
            kind,
            self.calendar,
            self.leads,
            counting=self.notice_counting,
            workday_starts=self.workday_starts,
        )

    def earliest_consultation_close(
        self, opens_at: dt.datetime, profile: ConsultationProfile
    ) -> Deadline:
        return earliest_consultation_close(
            opens_at,
            profile,
            self.calendar,
            counting=self.consultation_counting,
            workday_starts=self.workday_starts,
        )

    def check_consultation_window(
        self,
        opens_at: dt.datetime,
        closes_at: dt.datetime,
        profile: ConsultationProfile,
        shorter_reason: str | None = None,
    ) -> None:
        check_consultation_window(
            opens_at,
            closes_at,
            profile,
            self.calendar,
            shorter_reason,
            counting=self.consultation_counting,
            workday_starts=self.workday_starts,
        )
