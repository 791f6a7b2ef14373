"""Decision pre-disclosure's public pages for /sitemap.xml: the list and every public draft."""

from __future__ import annotations

from collections.abc import Iterator

from consultation.drafts import public_draft_stamps
from publisher.sitemaps import SitemapContext, SitemapUrl


def consultation_pages(ctx: SitemapContext) -> Iterator[SitemapUrl]:
    stamps = public_draft_stamps(ctx.session, ctx.now)
    yield SitemapUrl("/consultations", max((t for _, t in stamps), default=None))
    for draft_id, changed in stamps:
        yield SitemapUrl(f"/consultations/{draft_id}", changed)
