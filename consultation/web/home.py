"""The consultations on the home page: the open windows, closing soonest first, then the
ones about to open."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from consultation.drafts import list_steady
from consultation.listing import DraftFilter
from consultation.models import ConsultationDraft, WindowExtension
from consultation.vocabulary import WindowState
from publisher.feature import HomeItem, HomeSection
from publisher.timeutil import format_local, format_local_end


def _drafts(
    session: Session, now: dt.datetime, state: WindowState, limit: int
) -> Sequence[ConsultationDraft]:
    soonest = (
        ConsultationDraft.closes_at if state is WindowState.OPEN else ConsultationDraft.opens_at
    )
    return session.scalars(
        select(ConsultationDraft)
        .where(
            ConsultationDraft.published_at.is_not(None),
            ConsultationDraft.published_at <= now,
            ConsultationDraft.secret_by_law.is_(False),
            *DraftFilter(state=state).conditions(now),
        )
        .order_by(soonest, ConsultationDraft.id)
        .limit(limit)
    ).all()


def current_consultations(session: Session, now: dt.datetime, limit: int) -> Sequence[HomeItem]:
    items = [
        HomeItem(
            d.title, f"/consultations/{d.id}", (("征求意见截止", format_local_end(d.closes_at)),)
        )
        for d in _drafts(session, now, WindowState.OPEN, limit)
    ]
    if len(items) < limit:
        items += [
            HomeItem(
                d.title,
                f"/consultations/{d.id}",
                (
                    ("开始征求意见", format_local(d.opens_at)),
                    ("截止", format_local_end(d.closes_at)),
                ),
            )
            for d in _drafts(session, now, WindowState.UPCOMING, limit - len(items))
        ]
    return items


HOME_SECTION = HomeSection(
    heading="正在及即将征求意见",
    more_url="/consultations",
    more_label="全部征求意见",
    empty="目前没有正在或即将征求意见的决策草案。",
    current=current_consultations,
    watches=(ConsultationDraft.__tablename__, WindowExtension.__tablename__),
    steady=list_steady,  # a publication, a window opening or closing
)
