"""A draft's earliest lawful close as the staff API states it: the instant, the office's
wording, the convention, the explanation and whether it is provisional (issue #12). Its own
module so that every staff model carries the same fields."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from consultation import drafts
from consultation.models import ConsultationDraft
from publisher.errors import CalendarNotCovered
from publisher.rules.predisclosure import ConsultationProfile, Deadline
from publisher.rules.rulebook import RuleBook
from publisher.web.schemas import LocalInstant


class EarliestCloseOut(BaseModel):
    earliest_close: LocalInstant | None = None
    earliest_close_provisional: bool = Field(
        False,
        description="the earliest close counts late-December days of the last loaded year; "
        "it stands until the next year's holiday arrangement is published",
    )
    earliest_close_provisional_until_year: int | None = Field(
        None, description="the year whose holiday arrangement the earliest close waits for"
    )
    earliest_close_office_zh: str | None = Field(
        None,
        description="the window as an office writes it, e.g. "
        "公示期：2026年11月3日至11月9日（5个工作日），截至11月9日24时",
    )
    earliest_close_counting: str | None = Field(
        None, description="the counting convention in force: civil-code or inclusive"
    )
    earliest_close_explanation_zh: str | None = None
    earliest_close_explanation_en: str | None = None
    earliest_close_unknown_en: str | None = None
    earliest_close_unknown_zh: str | None = None


def earliest_close_fields(draft: ConsultationDraft, rules: RuleBook | None) -> dict[str, Any]:
    """The `EarliestCloseOut` fields of one draft; a draft in a year not loaded says why it
    has none instead of failing the whole list."""
    earliest: Deadline | None = None
    unknown: CalendarNotCovered | None = None
    if rules is not None:
        try:
            profile = ConsultationProfile(draft.profile)
            earliest = drafts.earliest_close(draft.opens_at, profile, rules)
        except CalendarNotCovered as exc:
            unknown = exc
    if earliest is None:
        return {
            "earliest_close_unknown_en": unknown.message_en if unknown else None,
            "earliest_close_unknown_zh": unknown.message_zh if unknown else None,
        }
    return {
        "earliest_close": earliest.instant,
        "earliest_close_provisional": earliest.provisional,
        "earliest_close_provisional_until_year": earliest.provisional_until_year,
        "earliest_close_office_zh": earliest.office_zh(),
        "earliest_close_counting": earliest.counting.value,
        "earliest_close_explanation_zh": earliest.render_zh(),
        "earliest_close_explanation_en": earliest.render_en(),
    }
