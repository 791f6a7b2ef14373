"""A feature's manifest: everything the service wires from it, declared in one record.

Like a Decidim component manifest: the app factory mounts its routers and finds its templates,
the feeds route factory serves its feed sources, the open-data catalogue (pages, DCAT, the
CKAN push) lists its live tables, and the staff home shows its work queues. The list of
features is `publisher.wiring.FEATURES`; nothing else in the service names a feature.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from fastapi import APIRouter

from feeds.source import FeedSource
from publisher.notifications.outbox import DeliveryHook
from publisher.opendata.tables import LiveTable
from publisher.retention import RetentionRule
from publisher.workqueue import WorkQueue


@dataclass(frozen=True)
class Feature:
    name: str
    #: public API, public pages, staff API, staff pages — in that order by convention
    routers: tuple[APIRouter, ...]
    #: the feature's own templates folder, if it renders pages
    templates: Path | None = None
    feeds: tuple[FeedSource, ...] = ()
    #: tables it publishes as open data, read from the database (pages, DCAT, feeds, CKAN)
    open_data: tuple[LiveTable, ...] = ()
    #: how long the personal data it keeps is kept (`publisher retention run`)
    retention: tuple[RetentionRule, ...] = ()
    #: what it records when the outbox delivers one of its messages (worker's transaction)
    delivery_hooks: tuple[DeliveryHook, ...] = ()
    #: what waits for staff, shown on the staff home (工作台) and `/api/v1/staff/queue`
    work_queues: tuple[WorkQueue, ...] = ()
