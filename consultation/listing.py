"""The public list of consultations, a page at a time, narrowed by window state and closing
day: what the API's list offers (the pages and feeds read `drafts.list_public_drafts`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from consultation.models import ConsultationDraft
from consultation.vocabulary import WindowState
from publisher.storage.paging import Slice, slice_of
from publisher.timeutil import start_of_local_day


@dataclass(frozen=True)
class DraftFilter:
    """A window state at the request's moment, and the days (Beijing time, both inclusive)
    the window closes on."""

    state: WindowState | None = None
    closes_from: dt.date | None = None
    closes_to: dt.date | None = None

    def conditions(self, now: dt.datetime) -> list[ColumnElement[bool]]:
        draft = ConsultationDraft
        found: list[ColumnElement[bool]] = []
        if self.state is WindowState.UPCOMING:
            found.append(draft.opens_at > now)
        elif self.state is WindowState.OPEN:
            found += [draft.opens_at <= now, draft.closes_at > now]
        elif self.state is WindowState.CLOSED:
            found.append(draft.closes_at <= now)
        if self.closes_from is not None:
            found.append(draft.closes_at > start_of_local_day(self.closes_from))
        if self.closes_to is not None:
            # a window closing at 00:00 of the next day closes at the end of `closes_to`
            found.append(draft.closes_at <= start_of_local_day(self.closes_to + dt.timedelta(1)))
        return found


def public_drafts_page(
    session: Session, now: dt.datetime, filters: DraftFilter, offset: int, limit: int
) -> Slice[ConsultationDraft]:
    """One page of the published, non-secret drafts the filter keeps, latest closing first."""
    query = (
        select(ConsultationDraft)
        .where(
            ConsultationDraft.published_at.is_not(None),
            ConsultationDraft.published_at <= now,
            ConsultationDraft.secret_by_law.is_(False),
            *filters.conditions(now),
        )
        .order_by(ConsultationDraft.closes_at.desc(), ConsultationDraft.id.desc())
    )
    return slice_of(session, query, offset, limit)
