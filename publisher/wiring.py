"""The one list of what the service is made of: every feature, in mounting order.

The app factory mounts their routers, templates and feeds from here; the open-data catalogue
(pages, DCAT, feeds) and the CKAN push get the features' live tables from here, so
`publisher.opendata` and `publisher.ckan` name no feature; the tests walk it. Adding a feature
means adding its manifest (`feature.py`) to this list, and nothing else.
"""

from __future__ import annotations

from pathlib import Path

from consultation.feature import FEATURE as CONSULTATION
from publisher.documents.open_data import DISCLOSURE_TABLE as DOCUMENT_DISCLOSURE_TABLE
from publisher.documents.search import DOCUMENT_SEARCH
from publisher.feature import DocumentLinks, Feature, HomeSection, PageLinks
from publisher.inspection.model import Check, Section
from publisher.inspection.sections import DATASETS, DOCUMENTS
from publisher.meetings.feature import FEATURE as MEETINGS
from publisher.notifications.fanout import ScheduledAlert
from publisher.notifications.feature import FEATURE as NOTIFICATIONS
from publisher.notifications.outbox import DeliveryHook
from publisher.opendata.search import dataset_source
from publisher.opendata.tables import LiveTable
from publisher.retention import RetentionRule
from publisher.search import index as search_index
from publisher.search.feature import FEATURE as SEARCH
from publisher.search.source import SearchSource
from publisher.sitemaps import SitemapSource
from publisher.staff.audit import PLATFORM_ACTIONS
from publisher.staff.service import EXPIRED_SESSIONS
from publisher.throttle.limits import THROTTLE_HITS
from publisher.web.routes import (
    calendar_pages,
    care_mode,
    documents_staff,
    health,
    home,
    inspection_pages,
    opendata_api,
    opendata_feeds,
    opendata_pages,
    opendata_schemas,
    opendata_sitemap,
    sitemap,
    staff_api,
    staff_pages,
    subscriptions,
    work_queue,
)
from publisher.workqueue import WorkQueue

PLATFORM = Feature(
    name="platform",
    routers=(
        health.router,
        home.router,
        staff_api.router,
        staff_pages.router,
        work_queue.pages,
        work_queue.api,
        calendar_pages.router,
        subscriptions.router,
        inspection_pages.api,
        inspection_pages.pages,
        care_mode.router,
        sitemap.router,
    ),
    retention=(THROTTLE_HITS, EXPIRED_SESSIONS),
    sitemap=(sitemap.site_pages,),
)
OPEN_DATA = Feature(
    name="opendata",
    # the schemas first (/datasets/datapackage.json is not a dataset's .json), then the API
    # before the pages: /datasets/{name}.csv must match before /datasets/{name}
    routers=(
        opendata_schemas.router,
        opendata_api.router,
        opendata_pages.router,
        documents_staff.api,
        documents_staff.pages,
    ),
    feeds=(opendata_feeds.DOCUMENTS_FEED, opendata_feeds.DATASETS_FEED),
    sections=(DOCUMENTS, DATASETS),
    open_data=(DOCUMENT_DISCLOSURE_TABLE,),
    sitemap=(opendata_sitemap.open_data_pages,),
    search_sources=(DOCUMENT_SEARCH,),
)

FEATURES: tuple[Feature, ...] = (
    PLATFORM,
    OPEN_DATA,
    NOTIFICATIONS,
    MEETINGS,
    CONSULTATION,
    SEARCH,
)


def open_data_tables(features: tuple[Feature, ...] = FEATURES) -> tuple[LiveTable, ...]:
    """Every live table of the open-data catalogue, in the order it lists them."""
    return tuple(table for feature in features for table in feature.open_data)


def retention_rules(features: tuple[Feature, ...] = FEATURES) -> tuple[RetentionRule, ...]:
    """Every rule `publisher retention run` applies, feature by feature."""
    return tuple(rule for feature in features for rule in feature.retention)


def delivery_hooks(features: tuple[Feature, ...] = FEATURES) -> tuple[DeliveryHook, ...]:
    """What the features record when the outbox delivers their messages (the worker's)."""
    return tuple(hook for feature in features for hook in feature.delivery_hooks)


def scheduled_alerts(features: tuple[Feature, ...] = FEATURES) -> tuple[ScheduledAlert, ...]:
    """Scheduled publications whose followers the outbox worker alerts when they come due."""
    return tuple(job for feature in features for job in feature.scheduled_alerts)


def audit_action_labels(features: tuple[Feature, ...] = FEATURES) -> dict[str, str]:
    """The Chinese name of every action in the audit log: the platform's and each feature's."""
    labels = dict(PLATFORM_ACTIONS)
    for feature in features:
        labels.update(feature.audit_actions)
    return labels


def home_watches(features: tuple[Feature, ...] = FEATURES) -> tuple[str, ...]:
    """The tables the home page's sections read (`HomeSection.watches`), each once."""
    return tuple(dict.fromkeys(t for section in home_sections(features) for t in section.watches))


def home_sections(features: tuple[Feature, ...] = FEATURES) -> tuple[HomeSection, ...]:
    """What the home page shows as current, feature by feature."""
    return tuple(section for feature in features for section in feature.home)


def inspection_sections(features: tuple[Feature, ...] = FEATURES) -> tuple[Section, ...]:
    """The site's sections (栏目), as the self-inspection counts them."""
    return tuple(section for feature in features for section in feature.sections)


def inspection_checks(features: tuple[Feature, ...] = FEATURES) -> tuple[Check, ...]:
    """The features' own self-inspection checks."""
    return tuple(check for feature in features for check in feature.inspections)


def sitemap_sources(features: tuple[Feature, ...] = FEATURES) -> tuple[SitemapSource, ...]:
    """What /sitemap.xml lists, feature by feature (the platform's own pages first)."""
    return tuple(source for feature in features for source in feature.sitemap)


def document_links(features: tuple[Feature, ...] = FEATURES) -> tuple[DocumentLinks, ...]:
    """What the features link a gazette document's page to (docs/consultation.md)."""
    return tuple(links for feature in features for links in feature.document_links)


def page_links(features: tuple[Feature, ...] = FEATURES) -> tuple[PageLinks, ...]:
    """What each public page shows of the records that link to it (`Feature.page_links`)."""
    return tuple(links for feature in features for links in feature.page_links)


def page_link_tables(features: tuple[Feature, ...] = FEATURES) -> tuple[str, ...]:
    """The tables the features' `page_links` read (`Feature.page_link_tables`), each once."""
    return tuple(dict.fromkeys(t for feature in features for t in feature.page_link_tables))


def work_queues(features: tuple[Feature, ...] = FEATURES) -> tuple[WorkQueue, ...]:
    """Every queue of the staff home (工作台), feature by feature in mounting order."""
    return tuple(queue for feature in features for queue in feature.work_queues)


def search_sources(
    datasets_dir: Path | None = None, features: tuple[Feature, ...] = FEATURES
) -> tuple[SearchSource, ...]:
    """What the site's search finds: the features' sources, then (given the folder of the
    Data Package) the open-data catalogue's datasets."""
    sources = tuple(source for feature in features for source in feature.search_sources)
    if datasets_dir is None:
        return sources
    return (*sources, dataset_source(datasets_dir, open_data_tables(features)))


#: every session of a process that imports the wiring (the app, the CLI's writing commands,
#: the tests) indexes the features' rows in the transaction that writes them
search_index.install(search_sources())
