"""RSS and Atom, checked by feedparser and by a plain XML parser, never by string matching."""

from __future__ import annotations

import calendar
import datetime as dt
import html
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable
from zoneinfo import ZoneInfo

import feedparser
import pytest

from feeds.model import FeedEntry, FeedInfo, entry_guid
from feeds.syndication import build_atom, build_rss

SHANGHAI = ZoneInfo("Asia/Shanghai")
BASE = "https://www.smx.gov.cn"


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    """A wall-clock time in Asia/Shanghai."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture
def feed_info() -> FeedInfo:
    return FeedInfo(
        id=f"{BASE}/feeds/meetings.atom",
        self_url=f"{BASE}/feeds/meetings.atom",
        title="三门峡市政府重大会议预告",
        subtitle="重大会议预公开",
        link=f"{BASE}/meetings",
        updated=local(2026, 10, 2, 9, 30),
    )


@pytest.fixture
def make_entries() -> Callable[[int], list[FeedEntry]]:
    def make(count: int) -> list[FeedEntry]:
        start = local(2026, 1, 1, 8, 0)
        return [
            FeedEntry(
                guid=entry_guid("meeting", i, 1),
                title=f"第{i}次常务会议预告",
                link=f"{BASE}/meetings/{i}",
                published=start + dt.timedelta(hours=i),
                updated=start + dt.timedelta(hours=i),
                summary=f"会议时间、地点、主要内容及公众参与方式（{i}）",
                content=f"<p>议题 {i}：审议《三门峡市重大行政决策程序规定》</p>",
                content_is_html=True,
                categories=("常务会议",),
            )
            for i in range(1, count + 1)
        ]

    return make


ATOM = "{http://www.w3.org/2005/Atom}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
NASTY = '<script>alert("x")</script> & "引号" \'单引号\' 三门峡 <b>粗体</b>'


def utc_of(parsed: time.struct_time) -> dt.datetime:
    """feedparser gives UTC struct_time; turn it into an aware instant."""
    return dt.datetime.fromtimestamp(calendar.timegm(parsed), tz=dt.UTC)


@pytest.mark.parametrize("build", [build_rss, build_atom])
def test_feedparser_reads_without_bozo_and_dates_are_right_instants(
    build: Callable[[FeedInfo, list[FeedEntry]], bytes],
    feed_info: FeedInfo,
    make_entries: Callable[[int], list[FeedEntry]],
) -> None:
    entries = make_entries(3)
    parsed = feedparser.parse(build(feed_info, entries))
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert len(parsed.entries) == 3
    # newest first; entry 3 was published 2026-01-01 11:00 Asia/Shanghai = 03:00Z
    first = parsed.entries[0]
    assert first.id == "tag:smx.gov.cn,2026:meeting/3/rev/1"
    assert utc_of(first.published_parsed) == dt.datetime(2026, 1, 1, 3, 0, tzinfo=dt.UTC)
    assert first.link == f"{BASE}/meetings/3"
    assert parsed.feed.language == "zh-CN"
    assert parsed.feed.title == "三门峡市政府重大会议预告"
    assert utc_of(parsed.feed.updated_parsed) == dt.datetime(2026, 10, 2, 1, 30, tzinfo=dt.UTC)
    self_links = [link.href for link in parsed.feed.links if link.rel == "self"]
    assert self_links == [feed_info.self_url]
    assert parsed.feed.link == feed_info.link
    assert [t.term for t in first.tags] == ["常务会议"]


def test_rss_structure(feed_info: FeedInfo, make_entries: Callable[[int], list[FeedEntry]]) -> None:
    root = ET.fromstring(build_rss(feed_info, make_entries(2)))
    assert root.tag == "rss" and root.get("version") == "2.0"
    channel = root.find("channel")
    assert channel is not None
    assert channel.findtext("language") == "zh-CN"
    assert channel.findtext("link") == feed_info.link
    self_link = channel.find(f"{ATOM}link")
    assert self_link is not None and self_link.get("rel") == "self"
    assert self_link.get("href") == feed_info.self_url
    assert channel.findtext("lastBuildDate") == "Fri, 02 Oct 2026 01:30:00 +0000"
    item = channel.find("item")
    assert item is not None
    guid = item.find("guid")
    assert guid is not None and guid.get("isPermaLink") == "false"
    assert guid.text == "tag:smx.gov.cn,2026:meeting/2/rev/1"
    assert item.findtext("{http://purl.org/dc/elements/1.1/}creator") == "三门峡市人民政府办公室"
    # RSS <author> must be an e-mail address; we never put a name (or a person) there
    assert item.find("author") is None


def test_atom_structure(
    feed_info: FeedInfo, make_entries: Callable[[int], list[FeedEntry]]
) -> None:
    root = ET.fromstring(build_atom(feed_info, make_entries(1)))
    assert root.tag == f"{ATOM}feed"
    assert root.get(XML_LANG) == "zh-CN"
    rels = {link.get("rel"): link.get("href") for link in root.findall(f"{ATOM}link")}
    assert rels == {"self": feed_info.self_url, "alternate": feed_info.link}
    entry = root.find(f"{ATOM}entry")
    assert entry is not None
    assert entry.findtext(f"{ATOM}author/{ATOM}name") == "三门峡市人民政府办公室"
    content = entry.find(f"{ATOM}content")
    assert content is not None and content.get("type") == "html"


@pytest.mark.parametrize("as_html", [True, False])
def test_content_is_escaped_and_round_trips(feed_info: FeedInfo, as_html: bool) -> None:
    entry = FeedEntry(
        guid=entry_guid("meeting", 7, 2),
        title=NASTY,
        link=f"{BASE}/meetings/7?a=1&b=2",
        published=local(2026, 3, 1, 9, 0),
        updated=local(2026, 3, 1, 9, 0),
        summary=NASTY,
        content=NASTY + "\x0c第二页",  # a form feed from PDF extraction must not break the XML
        content_is_html=as_html,
        categories=("A&B <c>",),
    )
    rss = build_rss(feed_info, [entry])
    atom = build_atom(feed_info, [entry])
    assert b"<script>" not in rss and b"<script>" not in atom
    item = ET.fromstring(rss).find("channel/item")
    assert item is not None
    assert item.findtext("title") == NASTY
    # RSS description is HTML by convention: plain text is escaped once more to stay text
    rss_text = (lambda t: t) if as_html else (lambda t: html.escape(t, quote=False))
    assert item.findtext("description") == rss_text(NASTY)
    assert item.findtext(f"{CONTENT}encoded") == rss_text(NASTY + " 第二页")
    assert item.findtext("link") == f"{BASE}/meetings/7?a=1&b=2"
    assert item.findtext("category") == "A&B <c>"
    atom_entry = ET.fromstring(atom).find(f"{ATOM}entry")
    assert atom_entry is not None
    assert atom_entry.findtext(f"{ATOM}title") == NASTY
    assert atom_entry.findtext(f"{ATOM}summary") == NASTY
    for body in (rss, atom):
        parsed = feedparser.parse(body)
        assert not parsed.bozo, parsed.get("bozo_exception")
        detail = parsed.entries[0].summary_detail
        assert "三门峡" in detail.value
        if as_html:
            assert detail.type == "text/html"
            assert "<script" not in detail.value  # the reader's sanitiser drops it
        elif body is atom:
            # typed as plain text: shown literally, never interpreted as markup
            assert (detail.type, detail.value) == ("text/plain", NASTY)
        else:
            assert "<script" not in detail.value
            # the reader renders the HTML and shows the original text, tags and all
            assert html.unescape(detail.value) == NASTY


def test_each_revision_is_its_own_item_linking_to_the_same_page(feed_info: FeedInfo) -> None:
    revisions = [
        FeedEntry(
            guid=entry_guid("meeting", 42, rev),
            title=f"市政府第{rev}版预告",
            link=f"{BASE}/meetings/42",
            published=local(2026, 10, rev, 9, 0),
            updated=local(2026, 10, rev, 9, 0),
        )
        for rev in (1, 2, 3)
    ]
    parsed = feedparser.parse(build_atom(feed_info, revisions))
    assert [e.id for e in parsed.entries] == [
        "tag:smx.gov.cn,2026:meeting/42/rev/3",
        "tag:smx.gov.cn,2026:meeting/42/rev/2",
        "tag:smx.gov.cn,2026:meeting/42/rev/1",
    ]
    assert {e.link for e in parsed.entries} == {f"{BASE}/meetings/42"}


def test_output_is_deterministic_whatever_the_input_order(
    feed_info: FeedInfo, make_entries: Callable[[int], list[FeedEntry]]
) -> None:
    entries = make_entries(20)
    assert build_rss(feed_info, entries) == build_rss(feed_info, list(reversed(entries)))
    assert build_atom(feed_info, entries) == build_atom(feed_info, list(reversed(entries)))


def test_duplicate_guids_are_refused(
    feed_info: FeedInfo, make_entries: Callable[[int], list[FeedEntry]]
) -> None:
    entries = make_entries(2)
    with pytest.raises(ValueError, match="duplicate"):
        build_rss(feed_info, [entries[0], entries[0]])


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        FeedEntry(
            guid="tag:x,2026:a",
            title="t",
            link="https://x/",
            published=dt.datetime(2026, 1, 1, 9, 0),
            updated=local(2026, 1, 1),
        )
    with pytest.raises(ValueError, match="naive"):
        FeedInfo(id="i", self_url="s", title="t", link="l", updated=dt.datetime(2026, 1, 1))


def test_guid_scheme_refuses_unsafe_segments() -> None:
    assert (
        entry_guid("consultation", "2026-7", 1) == "tag:smx.gov.cn,2026:consultation/2026-7/rev/1"
    )
    with pytest.raises(ValueError):
        entry_guid("meeting", "42/rev/9", 1)
    with pytest.raises(ValueError):
        entry_guid("meeting", 42, 0)


@pytest.mark.parametrize("build", [build_rss, build_atom])
def test_thousand_items_build_and_parse(
    build: Callable[[FeedInfo, list[FeedEntry]], bytes],
    feed_info: FeedInfo,
    make_entries: Callable[[int], list[FeedEntry]],
) -> None:
    entries = make_entries(1000)
    body = build(feed_info, entries)
    parsed = feedparser.parse(body)
    assert not parsed.bozo
    assert len(parsed.entries) == 1000
    assert len({e.id for e in parsed.entries}) == 1000


def test_lines_typed_in_a_form_end_with_lf_in_every_format(feed_info: FeedInfo) -> None:
    """A browser sends CRLF; XML wrote it as '&#13;' on every line a reader showed."""
    typed = "一、审议《方案》\r\n二、其他事项\r三、散会"
    entry = FeedEntry(
        guid=entry_guid("meeting", 8, 1),
        title="市政府常务会议",
        link=f"{BASE}/meetings/8",
        published=local(2026, 3, 1, 9, 0),
        updated=local(2026, 3, 1, 9, 0),
        summary=typed,
    )
    for body in (build_rss(feed_info, [entry]), build_atom(feed_info, [entry])):
        assert b"&#13;" not in body and b"\r" not in body
        assert "二、其他事项\n三、散会" in feedparser.parse(body).entries[0].summary
