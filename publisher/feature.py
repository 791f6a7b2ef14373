"""A feature's manifest: everything the service wires from it, declared in one record.

Like a Decidim component manifest: the app factory mounts its routers and finds its templates,
the feeds route factory serves its feed sources, the open-data catalogue (pages, DCAT, the
CKAN push) lists its live tables, /sitemap.xml its public pages, the home page what is current,
the staff home its work queues, the self-inspection its sections and checks. The list of
features is `publisher.wiring.FEATURES`; nothing else in the service names a feature.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from fastapi import APIRouter
from sqlalchemy.orm import Session

from feeds.source import FeedSource
from publisher.inspection.model import Check, Section
from publisher.notifications.fanout import ScheduledAlert
from publisher.notifications.outbox import DeliveryHook
from publisher.opendata.tables import LiveTable
from publisher.retention import RetentionRule
from publisher.search.source import SearchSource
from publisher.sitemaps import SitemapSource
from publisher.workqueue import WorkQueue


@dataclass(frozen=True)
class HomeItem:
    """One current thing on the home page: what, where to read it, and its facts in words
    (e.g. ``("征求意见截止", "2026年12月10日 24:00")``)."""

    title: str
    url: str
    facts: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class HomeSection:
    """What a feature shows on the home page: the few current items of its list, soonest
    first, and the link to the whole list. `current` reads at most `limit` rows."""

    heading: str
    more_url: str
    more_label: str
    empty: str
    current: Callable[[Session, dt.datetime, int], Sequence[HomeItem]]
    #: the tables `current` reads (each tracked: the home page is kept in memory until one
    #: changes) and the last and next instants at which time alone changes what it shows
    watches: tuple[str, ...]
    steady: Callable[[Session, dt.datetime], tuple[dt.datetime | None, dt.datetime | None]]


@dataclass(frozen=True)
class DocumentLink:
    """A page of a feature that a gazette document's page links to, and why (e.g. the
    consultation whose decision, as issued, the document is)."""

    label: str
    title: str
    url: str


#: a feature's links for a gazette document's page: (session, document id, now) → links
DocumentLinks = Callable[[Session, str, dt.datetime], Sequence[DocumentLink]]
#: what links to a public page of another feature, found by that page's site path
#: ("/consultations/5", "/documents/2019-02-05"): the meetings that discussed it, say
PageLinks = Callable[[Session, str, dt.datetime], Sequence[DocumentLink]]


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
    #: publications at a stored future instant whose followers the outbox worker alerts
    scheduled_alerts: tuple[ScheduledAlert, ...] = ()
    #: what is current, for the home page (upcoming meetings, open consultations)
    home: tuple[HomeSection, ...] = ()
    #: its sections (栏目) and checks for the self-inspection (`publisher inspect`)
    sections: tuple[Section, ...] = ()
    inspections: tuple[Check, ...] = ()
    #: the Chinese name of each action it writes to the audit log (`/staff/audit`)
    audit_actions: Mapping[str, str] = field(default_factory=dict)
    #: its public pages for /sitemap.xml (search engines), with their last change
    sitemap: tuple[SitemapSource, ...] = ()
    #: what a gazette document's page links back to (the consultation it is the outcome of)
    document_links: tuple[DocumentLinks, ...] = ()
    #: its public records that link to another feature's page (shown on that page)
    page_links: tuple[PageLinks, ...] = ()
    #: the tables its `page_links` read: a page kept in memory that shows them is rebuilt
    #: when one changes (each tracked, `publisher.storage.generations`)
    page_link_tables: tuple[str, ...] = ()
    #: what waits for staff, shown on the staff home (工作台) and `/api/v1/staff/queue`
    work_queues: tuple[WorkQueue, ...] = ()
    #: what the site's search finds of it, indexed in the same transaction as its rows
    search_sources: tuple[SearchSource, ...] = ()
    #: paths (regular expressions, matched in full) whose requests may carry uploaded files:
    #: their bodies may reach `max_upload_bytes` instead of `max_request_bytes`
    upload_paths: tuple[str, ...] = ()
