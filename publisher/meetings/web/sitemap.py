"""Meeting pre-disclosure's public pages for /sitemap.xml: the list and every public notice."""

from __future__ import annotations

from collections.abc import Iterator

from publisher.meetings.listing import public_notice_stamps
from publisher.sitemaps import SitemapContext, SitemapUrl


def meeting_pages(ctx: SitemapContext) -> Iterator[SitemapUrl]:
    stamps = public_notice_stamps(ctx.session, ctx.now)
    yield SitemapUrl("/meetings", max((t for _, t in stamps), default=None))
    for notice_id, changed in stamps:
        yield SitemapUrl(f"/meetings/{notice_id}", changed)
