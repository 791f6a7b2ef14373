"""RSS 2.0 and Atom 1.0 builders (via feedgen).

Pure functions of their input: the same `FeedInfo` and entries always give the same bytes, so the
ETag of a feed changes only when its content does. That is why nothing here reads the clock
(feedgen would otherwise stamp ``lastBuildDate`` with "now") and entries are put in a fixed order.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Iterable

from feedgen.feed import FeedGenerator
from lxml import etree

from feeds.cache import BuiltFeed
from feeds.model import FeedEntry, FeedInfo, clean_text

RSS_MEDIA_TYPE = "application/rss+xml; charset=utf-8"
ATOM_MEDIA_TYPE = "application/atom+xml; charset=utf-8"

#: minutes an RSS reader may cache the channel (RSS ``<ttl>``), in step with HTTP max-age
RSS_TTL_MINUTES = 60
_GENERATOR = "smx-publisher feeds"


def _utc(value: dt.datetime) -> dt.datetime:
    # Both formats carry the offset, so any aware zone is correct; UTC keeps output canonical.
    return value.astimezone(dt.UTC)


_ATOM = "{http://www.w3.org/2005/Atom}"


def _ordered(entries: Iterable[FeedEntry]) -> list[FeedEntry]:
    """Newest first, ties broken by GUID, so the output does not depend on the caller's order."""
    items = sorted(entries, key=lambda e: e.guid, reverse=True)
    items.sort(key=lambda e: (_utc(e.updated), _utc(e.published)), reverse=True)
    guids = [e.guid for e in items]
    if len(set(guids)) != len(guids):
        raise ValueError("duplicate entry GUIDs in one feed")
    return items


def _body_text(text: str, is_html: bool, for_rss: bool) -> str:
    """RSS has no content type: readers treat ``description`` as HTML, so plain text must be
    HTML-escaped once more or a ``<script>`` in it would become markup. Atom says type="text"."""
    text = clean_text(text)
    return html.escape(text, quote=False) if for_rss and not is_html else text


def _generator(info: FeedInfo, entries: Iterable[FeedEntry], for_rss: bool) -> FeedGenerator:
    fg = FeedGenerator()
    fg.load_extension("dc", atom=False, rss=True)
    fg.id(info.id)
    fg.title(clean_text(info.title))
    fg.subtitle(clean_text(info.subtitle or info.title))
    # feedgen takes the RSS <link> from the last link added: self first, the HTML page last.
    fg.link(href=info.self_url, rel="self")
    fg.link(href=info.link, rel="alternate", type="text/html")
    fg.language(info.language)
    fg.author({"name": clean_text(info.author_name)})
    fg.updated(_utc(info.updated))
    fg.lastBuildDate(_utc(info.updated))
    fg.generator(_GENERATOR)
    fg.ttl(RSS_TTL_MINUTES)
    for entry in _ordered(entries):
        fe = fg.add_entry(order="append")
        fe.id(entry.guid)  # also the RSS guid, isPermaLink="false"
        fe.title(clean_text(entry.title))
        fe.link(href=entry.link, rel="alternate", type="text/html")
        # feedgen puts the last enclosure into RSS: add them last to first, so it is the first
        for enclosure in reversed(entry.enclosures):
            fe.enclosure(enclosure.url, str(enclosure.length), enclosure.media_type)
        fe.published(_utc(entry.published))
        fe.updated(_utc(entry.updated))
        fe.pubDate(_utc(entry.published))
        kind = "html" if entry.content_is_html else "text"
        if entry.content:
            fe.content(_body_text(entry.content, entry.content_is_html, for_rss), type=kind)
        if entry.summary:
            fe.summary(_body_text(entry.summary, entry.content_is_html, for_rss), type=kind)
        # RSS <author> must be an e-mail address; the office's name goes to dc:creator instead.
        fe.author({"name": clean_text(entry.author_name)})
        fe.dc.dc_creator(clean_text(entry.author_name))
        for category in entry.categories:
            fe.category(term=clean_text(category))
    return fg


def build_rss(info: FeedInfo, entries: Iterable[FeedEntry]) -> bytes:
    """RSS 2.0 document, UTF-8, with ``atom:link rel="self"`` and ``<language>zh-CN``."""
    body: bytes = _generator(info, entries, for_rss=True).rss_str(pretty=False)
    return body


def build_atom(info: FeedInfo, entries: Iterable[FeedEntry]) -> bytes:
    """Atom 1.0 document, UTF-8, with ``xml:lang`` and ``<link rel="self">``."""
    listed = list(entries)
    body: bytes = _generator(info, listed, for_rss=False).atom_str(pretty=False)
    return _with_entry_links(body, _ordered(listed))


def _with_entry_links(body: bytes, ordered: list[FeedEntry]) -> bytes:
    """Write each entry's links again with their attributes: feedgen 1.0.0 writes an entry's
    links with ``href`` only (it reads rel, type and length from the element it has just
    created), which turns every enclosure into a second alternate link."""
    root = etree.fromstring(body)
    for element, entry in zip(root.iter(f"{_ATOM}entry"), ordered, strict=True):
        for link in element.findall(f"{_ATOM}link"):
            element.remove(link)
        etree.SubElement(
            element, f"{_ATOM}link", href=entry.link, rel="alternate", type="text/html"
        )
        for enclosure in entry.enclosures:
            etree.SubElement(
                element,
                f"{_ATOM}link",
                href=enclosure.url,
                rel="enclosure",
                type=enclosure.media_type,
                length=str(enclosure.length),
            )
    written: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    return written


def build_feed(fmt: str, info: FeedInfo, entries: Iterable[FeedEntry]) -> BuiltFeed:
    """RSS (``"rss"``) or Atom (``"atom"``) ready to serve; last modified is ``info.updated``."""
    if fmt == "atom":
        return BuiltFeed.from_body(build_atom(info, entries), ATOM_MEDIA_TYPE, info.updated)
    if fmt == "rss":
        return BuiltFeed.from_body(build_rss(info, entries), RSS_MEDIA_TYPE, info.updated)
    raise ValueError(f"unknown syndication format {fmt!r}")
