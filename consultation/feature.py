"""Decision pre-disclosure (《三门峡市政府重大行政决策预公开制度》) as the service wires it."""

from __future__ import annotations

from pathlib import Path

from consultation.answers import ANSWER_DELIVERED
from consultation.feeds import CONSULTATIONS_FEED
from consultation.open_data import ADOPTION_SUMMARIES_TABLE, PUBLISHED_COMMENTS_TABLE
from consultation.queues import WORK_QUEUES
from consultation.retention import COMMENTER_CONTACTS, FOLLOWERS
from consultation.web import (
    public_api,
    public_pages,
    staff_api,
    staff_pages,
    staff_records,
    staff_sorting,
)
from publisher.feature import Feature

FEATURE = Feature(
    name="consultation",
    routers=(
        public_api.router,
        public_pages.router,
        staff_api.router,
        staff_pages.router,
        staff_records.router,
        staff_sorting.router,
    ),
    templates=Path(__file__).resolve().parent / "web" / "templates",
    feeds=(CONSULTATIONS_FEED,),
    open_data=(ADOPTION_SUMMARIES_TABLE, PUBLISHED_COMMENTS_TABLE),
    retention=(COMMENTER_CONTACTS, FOLLOWERS),
    delivery_hooks=(ANSWER_DELIVERED,),
    work_queues=WORK_QUEUES,
)
