"""The meetings that discussed a page of another feature (a consultation's draft, a gazette
document): its agenda items link it, or its published outcome does. Shown on that page
(`Feature.page_links`), so a reader of a draft finds the meeting that examined it; meetings
know other features only by their site paths, as everywhere (docs/meetings.md)."""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from publisher.feature import DocumentLink
from publisher.meetings.listing import is_public
from publisher.meetings.models import AgendaDocument, AgendaItem, MeetingNotice, MeetingOutcome
from publisher.meetings.vocabulary import NoticeStatus
from publisher.timeutil import format_local

#: what `meetings_discussing` reads (`Feature.page_link_tables`)
TABLES_READ = tuple(
    model.__tablename__ for model in (MeetingNotice, AgendaItem, AgendaDocument, MeetingOutcome)
)
AGENDA_LABEL = "会议议题"
OUTCOME_LABEL = "会议结果"


def _links_to(url: str, path: str) -> bool:
    """A document link names the page by its path, or by a full URL ending with it (the
    agenda query says the same in SQL; the outcome's links are JSON, read here)."""
    return url == path or ("://" in url and url.endswith(path))


def meetings_discussing(session: Session, path: str, now: dt.datetime) -> list[DocumentLink]:
    """Public, not withdrawn meetings whose agenda items or outcome link to `path`, in date
    order; one line per item that names it, one per outcome."""
    public = (*is_public(now), MeetingNotice.status != NoticeStatus.WITHDRAWN.value)
    items = session.execute(
        select(MeetingNotice.id, MeetingNotice.title, MeetingNotice.starts_at)
        .add_columns(AgendaItem.position, AgendaItem.title)
        .join(AgendaItem, AgendaItem.notice_id == MeetingNotice.id)
        .join(AgendaDocument, AgendaDocument.item_id == AgendaItem.id)
        .where(*public, or_(AgendaDocument.url == path, AgendaDocument.url.like(f"%://%{path}")))
        .order_by(MeetingNotice.starts_at, MeetingNotice.id, AgendaItem.position)
    ).all()
    found: list[tuple[dt.datetime, DocumentLink]] = []
    seen: set[tuple[int, int]] = set()
    for notice_id, title, starts_at, position, item_title in items:
        if starts_at is None or (notice_id, position) in seen:  # two documents of one item
            continue
        seen.add((notice_id, position))
        found.append(
            (
                starts_at,
                DocumentLink(
                    AGENDA_LABEL,
                    f"{title}（{format_local(starts_at)}）第{position}项：{item_title}",
                    f"/meetings/{notice_id}#item-{position}",
                ),
            )
        )
    outcomes = session.execute(
        select(MeetingNotice.id, MeetingNotice.title, MeetingNotice.starts_at, MeetingOutcome.links)
        .join(MeetingOutcome, MeetingOutcome.notice_id == MeetingNotice.id)
        .where(*public, MeetingOutcome.links.contains(path))
    ).all()
    for notice_id, title, starts_at, links in outcomes:
        if starts_at is None:  # a notice is published with its time; the column allows none
            continue
        if any(_links_to(str(link.get("url", "")), path) for link in json.loads(links or "[]")):
            found.append(
                (
                    starts_at,
                    DocumentLink(
                        OUTCOME_LABEL,
                        f"{title}（{format_local(starts_at)}）",
                        f"/meetings/{notice_id}#outcome",
                    ),
                )
            )
    found.sort(key=lambda pair: pair[0])
    return [link for _, link in found]
