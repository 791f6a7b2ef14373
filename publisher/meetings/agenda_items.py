"""A notice's main content (主要内容) as ordered agenda items, each with its documents.

The items are the truth; the notice's `agenda` text is kept as their numbered list, so the
public history, the feeds and the rule that a notice states its main content read one field
(docs/meetings.md). A consultation or a gazette document is linked by its URL (or its number,
made into the site's path): meetings import neither.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from publisher.errors import ValidationFailed
from publisher.meetings.models import AgendaDocument, AgendaItem, MeetingNotice
from publisher.meetings.vocabulary import DocumentKind

TITLE_MAX = 200
#: a notice has at most this many items (a meeting's agenda, not a document)
ITEMS_MAX = 50
DOCUMENTS_MAX = 10
#: an item's own numbering, dropped because the list numbers the items: "1." "2、" "（3）" and
#: the Chinese numerals official texts use, "一、" "（二）" "第三项"
_CHINESE_NUMBER = "[一二三四五六七八九十]{1,3}"
_NUMBERING = re.compile(
    r"^\s*(?:\d{1,3}\s*[.、．)）](?!\d)|[（(]\d{1,3}[)）]|[-•·]"
    rf"|{_CHINESE_NUMBER}\s*[、.．]|[（(]{_CHINESE_NUMBER}[)）]|第{_CHINESE_NUMBER}项[、：:]?)\s*"
)
_SITE_PATH = {DocumentKind.CONSULTATION: "/consultations/", DocumentKind.GAZETTE: "/documents/"}


@dataclass
class DocumentInput:
    kind: DocumentKind
    label: str
    url: str


@dataclass
class ItemInput:
    title: str
    description: str = ""
    documents: list[DocumentInput] = field(default_factory=list)


def items_from_text(text: str) -> list[ItemInput]:
    """Typed main content: one item per non-empty line, numbering such as '1.' or '（2）'
    dropped; a line too long for a title keeps its words in the description."""
    items = []
    for raw in text.splitlines():
        line = _NUMBERING.sub("", raw).strip()
        if not line:
            continue
        if len(line) > TITLE_MAX:
            items.append(ItemInput(line[: TITLE_MAX - 1] + "…", line))
        else:
            items.append(ItemInput(line))
    return items


def _document_url(document: DocumentInput) -> str:
    url = document.url.strip()
    prefix = _SITE_PATH.get(document.kind)
    if prefix is not None and url.isdigit():
        return f"{prefix}{int(url)}"
    well_formed = url.startswith(("https://", "http://")) or (
        url.startswith("/") and not url.startswith("//")
    )
    if well_formed and len(url) <= 500 and not any(c.isspace() for c in url):
        return url
    raise ValidationFailed(
        f"a document link must be an http(s) URL, a path on this site or a number: {url!r}",
        f"文件链接应为网址、本站路径或编号：{url}",
        field="documents",
    )


def checked(items: list[ItemInput]) -> list[ItemInput]:
    """The items cleaned and checked: titles present and short enough, links well formed."""
    if len(items) > ITEMS_MAX:
        raise ValidationFailed(
            f"at most {ITEMS_MAX} agenda items", f"议题不能超过{ITEMS_MAX}项", field="items"
        )
    clean = []
    for number, item in enumerate(items, start=1):
        title = item.title.strip()
        if not title or len(title) > TITLE_MAX:
            raise ValidationFailed(
                f"agenda item {number} needs a title of at most {TITLE_MAX} characters",
                f"第{number}项议题须填写标题（不超过{TITLE_MAX}字）",
                field="items",
            )
        if len(item.documents) > DOCUMENTS_MAX:
            raise ValidationFailed(
                f"agenda item {number} has more than {DOCUMENTS_MAX} documents",
                f"第{number}项议题的文件不能超过{DOCUMENTS_MAX}个",
                field="documents",
            )
        documents = checked_links(item.documents)
        clean.append(ItemInput(title, item.description.strip(), documents))
    return clean


def checked_links(documents: list[DocumentInput]) -> list[DocumentInput]:
    """Links (an outcome's resulting documents) cleaned and checked like an item's."""
    if len(documents) > DOCUMENTS_MAX:
        raise ValidationFailed(
            f"at most {DOCUMENTS_MAX} links", f"链接不能超过{DOCUMENTS_MAX}个", field="links"
        )
    return [
        DocumentInput(
            DocumentKind(d.kind),
            d.label.strip()[:TITLE_MAX] or DocumentKind(d.kind).label_zh,
            _document_url(d),
        )
        for d in documents
    ]


def replace_items(notice: MeetingNotice, items: list[ItemInput]) -> None:
    """Put `items` (checked) in place of the notice's items; decisions of items kept by title
    stay with them."""
    decisions = {item.title: item.decision for item in notice.agenda_items}
    notice.agenda_items[:] = [
        AgendaItem(
            position=position,
            title=item.title,
            description=item.description,
            decision=decisions.get(item.title, ""),
            documents=[
                AgendaDocument(position=p, kind=d.kind.value, label=d.label, url=d.url)
                for p, d in enumerate(item.documents, start=1)
            ],
        )
        for position, item in enumerate(items, start=1)
    ]


def numbered_text(items: list[ItemInput]) -> str:
    """The items as the numbered list the feeds and the history show."""
    lines = []
    for position, item in enumerate(items, start=1):
        lines.append(f"{position}. {item.title}")
        if item.description:
            lines.extend(f"   {line}" for line in item.description.splitlines() if line.strip())
        for document in item.documents:
            lines.append(f"   {document.kind.label_zh}：{document.label} {document.url}")
    return "\n".join(lines)


def current_items(notice: MeetingNotice) -> list[ItemInput]:
    return [
        ItemInput(
            item.title,
            item.description,
            [DocumentInput(DocumentKind(d.kind), d.label, d.url) for d in item.documents],
        )
        for item in notice.agenda_items
    ]
