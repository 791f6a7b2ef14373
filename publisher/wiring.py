"""The one list of what the service is made of: every feature, in mounting order.

The app factory mounts their routers, templates and feeds from here; the open-data catalogue
(pages, DCAT, feeds) and the CKAN push get the features' live tables from here, so
`publisher.opendata` and `publisher.ckan` name no feature; the tests walk it. Adding a feature
means adding its manifest (`feature.py`) to this list, and nothing else.
"""

from __future__ import annotations

from consultation.feature import FEATURE as CONSULTATION
from publisher.feature import Feature
from publisher.meetings.feature import FEATURE as MEETINGS
from publisher.notifications.feature import FEATURE as NOTIFICATIONS
from publisher.notifications.outbox import DeliveryHook
from publisher.opendata.tables import LiveTable
from publisher.retention import RetentionRule
from publisher.staff.service import EXPIRED_SESSIONS
from publisher.throttle.limits import THROTTLE_HITS
from publisher.web.routes import (
    calendar_pages,
    health,
    home,
    opendata_api,
    opendata_feeds,
    opendata_pages,
    opendata_schemas,
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
    ),
    retention=(THROTTLE_HITS, EXPIRED_SESSIONS),
)
OPEN_DATA = Feature(
    name="opendata",
    # the schemas first (/datasets/datapackage.json is not a dataset's .json), then the API
    # before the pages: /datasets/{name}.csv must match before /datasets/{name}
    routers=(opendata_schemas.router, opendata_api.router, opendata_pages.router),
    feeds=(opendata_feeds.DOCUMENTS_FEED, opendata_feeds.DATASETS_FEED),
)

FEATURES: tuple[Feature, ...] = (PLATFORM, OPEN_DATA, NOTIFICATIONS, MEETINGS, CONSULTATION)


def open_data_tables(features: tuple[Feature, ...] = FEATURES) -> tuple[LiveTable, ...]:
    """Every live table of the open-data catalogue, in the order it lists them."""
    return tuple(table for feature in features for table in feature.open_data)


def retention_rules(features: tuple[Feature, ...] = FEATURES) -> tuple[RetentionRule, ...]:
    """Every rule `publisher retention run` applies, feature by feature."""
    return tuple(rule for feature in features for rule in feature.retention)


def delivery_hooks(features: tuple[Feature, ...] = FEATURES) -> tuple[DeliveryHook, ...]:
    """What the features record when the outbox delivers their messages (the worker's)."""
    return tuple(hook for feature in features for hook in feature.delivery_hooks)


def work_queues(features: tuple[Feature, ...] = FEATURES) -> tuple[WorkQueue, ...]:
    """Every queue of the staff home (工作台), feature by feature in mounting order."""
    return tuple(queue for feature in features for queue in feature.work_queues)
