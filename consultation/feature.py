"""Decision pre-disclosure (《三门峡市政府重大行政决策预公开制度》) as the service wires it."""

from __future__ import annotations

from pathlib import Path

from consultation import inspection
from consultation.answers import ANSWER_DELIVERED
from consultation.feeds import CONSULTATIONS_FEED
from consultation.notify import OPENED_ALERTS
from consultation.open_data import ADOPTION_SUMMARIES_TABLE, PUBLISHED_COMMENTS_TABLE
from consultation.queues import WORK_QUEUES
from consultation.retention import COMMENTER_CONTACTS, FOLLOWERS
from consultation.search import CONSULTATION_SEARCH
from consultation.vocabulary import AUDIT_ACTIONS
from consultation.web import (
    article_api,
    article_pages,
    article_staff_pages,
    home,
    outcome_pages,
    printing_pages,
    public_api,
    public_pages,
    response_pages,
    staff_api,
    staff_comment_files,
    staff_pages,
    staff_records,
    staff_sorting,
    staff_sorting_api,
)
from consultation.web.sitemap import consultation_pages
from publisher.feature import Feature

FEATURE = Feature(
    name="consultation",
    routers=(
        # the article routes first, as the articles work mounted them
        article_api.router,
        article_api.staff_router,
        article_pages.router,
        article_staff_pages.router,
        public_api.router,
        public_pages.router,
        printing_pages.router,
        staff_api.router,
        staff_pages.router,
        outcome_pages.router,
        response_pages.router,
        response_pages.api_router,
        staff_records.router,
        staff_sorting.router,
        staff_sorting_api.router,
        staff_comment_files.router,
    ),
    templates=Path(__file__).resolve().parent / "web" / "templates",
    feeds=(CONSULTATIONS_FEED,),
    open_data=(ADOPTION_SUMMARIES_TABLE, PUBLISHED_COMMENTS_TABLE),
    home=(home.HOME_SECTION,),
    sections=(inspection.SECTION,),
    inspections=inspection.CHECKS,
    audit_actions=AUDIT_ACTIONS,
    retention=(COMMENTER_CONTACTS, FOLLOWERS),
    delivery_hooks=(ANSWER_DELIVERED,),
    scheduled_alerts=(OPENED_ALERTS,),
    sitemap=(consultation_pages,),
    document_links=(outcome_pages.document_links,),
    work_queues=WORK_QUEUES,
    search_sources=(CONSULTATION_SEARCH,),
    # a citizen's comment may carry files (consultation.comment_files)
    upload_paths=(r"/consultations/\d+/comments", r"/api/v1/consultations/\d+/comments/with-files"),
)
