"""Meeting pre-disclosure (《三门峡市政府重大会议预公开制度》) as the service wires it."""

from __future__ import annotations

from pathlib import Path

from publisher.feature import Feature
from publisher.meetings import inspection, mentions
from publisher.meetings.feeds import MEETINGS_FEED
from publisher.meetings.following import PUBLISHED_ALERTS
from publisher.meetings.open_data import MEETING_AGENDA_TABLE
from publisher.meetings.queues import WORK_QUEUES
from publisher.meetings.retention import APPLICANT_CONTACTS
from publisher.meetings.search import MEETING_SEARCH
from publisher.meetings.vocabulary import AUDIT_ACTIONS
from publisher.meetings.web import (
    answer_pages,
    event_api,
    event_pages,
    follow_pages,
    home,
    public_api,
    public_pages,
    staff_api,
    staff_pages,
)
from publisher.meetings.web.sitemap import meeting_pages

FEATURE = Feature(
    name="meetings",
    routers=(
        follow_pages.router,  # before the notice pages (see its docstring)
        public_api.router,
        public_pages.router,
        answer_pages.router,
        staff_api.router,
        staff_pages.router,
        event_api.router,
        event_pages.router,
    ),
    templates=Path(__file__).resolve().parent / "web" / "templates",
    feeds=(MEETINGS_FEED,),
    open_data=(MEETING_AGENDA_TABLE,),
    home=(home.HOME_SECTION,),
    sections=(inspection.SECTION,),
    inspections=inspection.CHECKS,
    audit_actions=AUDIT_ACTIONS,
    retention=(APPLICANT_CONTACTS,),
    scheduled_alerts=(PUBLISHED_ALERTS,),
    sitemap=(meeting_pages,),
    page_links=(mentions.meetings_discussing,),  # on the drafts and documents they discussed
    page_link_tables=mentions.TABLES_READ,
    work_queues=WORK_QUEUES,
    search_sources=(MEETING_SEARCH,),
)
