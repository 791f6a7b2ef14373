"""/sitemap.xml and /robots.txt: the public pages for search engines (Baidu first).

The pages come from the features' manifests (`Feature.sitemap`, collected by the app factory
into `app.state.sitemap_sources`): this module names no feature. The sitemaps.org protocol
allows 50,000 URLs in one file; past that, /sitemap.xml is a sitemap index of
/sitemap-1.xml, /sitemap-2.xml… of at most that many each (`app.state.sitemap_max_urls`, which
a test lowers). Every URL is absolute, from `PUBLISHER_BASE_URL`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import Annotated
from urllib.parse import quote
from xml.sax.saxutils import escape

from fastapi import APIRouter, Path, Request
from fastapi.responses import PlainTextResponse, Response

from publisher.errors import NotFound
from publisher.settings import Settings
from publisher.sitemaps import SitemapContext, SitemapUrl
from publisher.timeutil import to_local
from publisher.web.deps import DbSession, Now, SettingsDep

router = APIRouter(tags=["pages"], include_in_schema=False)

#: the protocol's limit of URLs per sitemap file (and of sitemaps per index)
SITEMAP_MAX_URLS = 50_000
XMLNS = "http://www.sitemaps.org/schemas/sitemap/0.9"
XML_MEDIA_TYPE = "application/xml; charset=utf-8"
#: paths no crawler should follow: staff, personal receipts and tokens, the care-mode switch
ROBOTS_DISALLOW = ("/staff/", "/api/v1/staff/", "/a/", "/c/", "/follow/", "/care-mode")


def site_pages(ctx: SitemapContext) -> Iterator[SitemapUrl]:
    """The platform's own public pages (the PLATFORM manifest lists this source)."""
    yield SitemapUrl("/")
    yield SitemapUrl("/subscribe")


def public_urls(request: Request, db: DbSession, now: dt.datetime) -> list[SitemapUrl]:
    """Every feature's public pages, in manifest order, each path once."""
    ctx = SitemapContext(
        session=db,
        now=now,
        settings=request.app.state.settings,
        live_tables=request.app.state.open_data_tables,
    )
    seen: set[str] = set()
    urls: list[SitemapUrl] = []
    for source in request.app.state.sitemap_sources:
        for url in source(ctx):
            if url.path not in seen:
                seen.add(url.path)
                urls.append(url)
    return urls


def _limit(request: Request) -> int:
    return int(getattr(request.app.state, "sitemap_max_urls", SITEMAP_MAX_URLS))


def _absolute(settings: Settings, path: str) -> str:
    return settings.base_url.rstrip("/") + quote(path, safe="/?=&%:@-._~!$'()*+,;")


def _w3c(instant: dt.datetime | dt.date | None) -> str | None:
    """W3C Datetime, Beijing time, whole seconds (a day stays a day)."""
    if instant is None:
        return None
    if isinstance(instant, dt.datetime):
        return to_local(instant).replace(microsecond=0).isoformat()
    return instant.isoformat()


def _latest(urls: Sequence[SitemapUrl]) -> dt.datetime | dt.date | None:
    """The newest lastmod of a chunk (days compared as the start of their day in UTC)."""

    def key(value: dt.datetime | dt.date) -> dt.datetime:
        if isinstance(value, dt.datetime):
            return value.astimezone(dt.UTC)
        return dt.datetime.combine(value, dt.time(), dt.UTC)

    stamped = [u.lastmod for u in urls if u.lastmod is not None]
    return max(stamped, key=key) if stamped else None


def _entry(tag: str, loc: str, lastmod: dt.datetime | dt.date | None) -> str:
    stamp = _w3c(lastmod)
    inner = f"<loc>{escape(loc)}</loc>" + (f"<lastmod>{stamp}</lastmod>" if stamp else "")
    return f"<{tag}>{inner}</{tag}>"


def _xml(root: str, entries: Iterator[str]) -> Response:
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<{root} xmlns="{XMLNS}">\n' + "\n".join(entries) + f"\n</{root}>\n"
    )
    return Response(body.encode("utf-8"), media_type=XML_MEDIA_TYPE)


def _urlset(settings: Settings, urls: Sequence[SitemapUrl]) -> Response:
    return _xml("urlset", (_entry("url", _absolute(settings, u.path), u.lastmod) for u in urls))


def _chunks(urls: list[SitemapUrl], size: int) -> list[list[SitemapUrl]]:
    return [urls[i : i + size] for i in range(0, len(urls), size)] or [[]]


@router.get("/sitemap.xml")
def sitemap(request: Request, db: DbSession, now: Now, settings: SettingsDep) -> Response:
    """Every public page with its last change; a sitemap index when there are too many."""
    urls = public_urls(request, db, now)
    limit = _limit(request)
    if len(urls) <= limit:
        return _urlset(settings, urls)
    return _xml(
        "sitemapindex",
        (
            _entry("sitemap", _absolute(settings, f"/sitemap-{n}.xml"), _latest(chunk))
            for n, chunk in enumerate(_chunks(urls, limit), start=1)
        ),
    )


@router.get("/sitemap-{number}.xml")
def sitemap_part(
    request: Request,
    number: Annotated[int, Path(ge=1, le=1_000_000)],
    db: DbSession,
    now: Now,
    settings: SettingsDep,
) -> Response:
    """One file of the sitemap index."""
    chunks = _chunks(public_urls(request, db, now), _limit(request))
    if number > len(chunks):
        raise NotFound(
            f"The sitemap has {len(chunks)} part(s).", f"网站地图共{len(chunks)}个分册。"
        )
    return _urlset(settings, chunks[number - 1])


@router.get("/robots.txt", response_class=PlainTextResponse)
def robots(settings: SettingsDep) -> str:
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in ROBOTS_DISALLOW), ""]
    lines.append(f"Sitemap: {settings.base_url.rstrip('/')}/sitemap.xml")
    return "\n".join(lines) + "\n"
