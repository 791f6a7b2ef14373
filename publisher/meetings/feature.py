"""Meeting pre-disclosure (《三门峡市政府重大会议预公开制度》) as the service wires it."""

from __future__ import annotations

from pathlib import Path

from publisher.feature import Feature
from publisher.meetings.feeds import MEETINGS_FEED
from publisher.meetings.retention import APPLICANT_CONTACTS
from publisher.meetings.search import MEETING_SEARCH
from publisher.meetings.vocabulary import AUDIT_ACTIONS
from publisher.meetings.web import home, public_api, public_pages, staff_api, staff_pages

FEATURE = Feature(
    name="meetings",
    routers=(public_api.router, public_pages.router, staff_api.router, staff_pages.router),
    templates=Path(__file__).resolve().parent / "web" / "templates",
    feeds=(MEETINGS_FEED,),
    home=(home.HOME_SECTION,),
    audit_actions=AUDIT_ACTIONS,
    retention=(APPLICANT_CONTACTS,),
    search_sources=(MEETING_SEARCH,),
)
