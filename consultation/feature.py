"""Decision pre-disclosure (《三门峡市政府重大行政决策预公开制度》) as the service wires it."""

from __future__ import annotations

from pathlib import Path

from consultation.answers import ANSWER_DELIVERED
from consultation.feeds import CONSULTATIONS_FEED
from consultation.open_data import ADOPTION_SUMMARIES_TABLE
from consultation.retention import COMMENTER_CONTACTS, FOLLOWERS
from consultation.search import CONSULTATION_SEARCH
from consultation.vocabulary import AUDIT_ACTIONS
from consultation.web import home, public_api, public_pages, staff_api, staff_pages
from publisher.feature import Feature

FEATURE = Feature(
    name="consultation",
    routers=(public_api.router, public_pages.router, staff_api.router, staff_pages.router),
    templates=Path(__file__).resolve().parent / "web" / "templates",
    feeds=(CONSULTATIONS_FEED,),
    open_data=(ADOPTION_SUMMARIES_TABLE,),
    home=(home.HOME_SECTION,),
    audit_actions=AUDIT_ACTIONS,
    retention=(COMMENTER_CONTACTS, FOLLOWERS),
    delivery_hooks=(ANSWER_DELIVERED,),
    search_sources=(CONSULTATION_SEARCH,),
)
