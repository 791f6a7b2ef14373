"""What a feature contributes to /sitemap.xml: its public pages, each with its last change.

A feature's manifest lists `SitemapSource`s (functions of a `SitemapContext`); the web kit's
route (`publisher.web.routes.sitemap`) writes them out by the sitemaps.org protocol and names no
feature. A source lists only what the public may see at `now` (published, not withheld, not
secret by law), in a stable order.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from publisher.settings import Settings


@dataclass(frozen=True)
class SitemapUrl:
    #: the page's path on this site, e.g. "/meetings/12"
    path: str
    #: when the page last changed (an instant in UTC, or a day); None when unknown
    lastmod: dt.datetime | dt.date | None = None


@dataclass(frozen=True)
class SitemapContext:
    session: Session
    now: dt.datetime
    settings: Settings
    #: the open-data catalogue's live tables (`publisher.wiring.open_data_tables`)
    live_tables: Sequence[Any] = ()


SitemapSource = Callable[[SitemapContext], Iterable[SitemapUrl]]
