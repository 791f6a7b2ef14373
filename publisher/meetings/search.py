"""Meetings in the site's search: a public notice's title, kind, place, main content and how to
take part (docs/search.md). Never the applications or the opinions: they hold personal data.

A withdrawn notice is found by its title and the reason it was withdrawn only, as its page
shows; a withheld or unpublished one is not in the index at all.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from publisher.meetings.models import AgendaItem, MeetingNotice, MeetingOutcome
from publisher.meetings.vocabulary import NoticeStatus
from publisher.rules.predisclosure import MeetingKind
from publisher.search.source import SearchDocument, SearchSource


def _kind_label(kind: str) -> str:
    try:
        return MeetingKind(kind).label_zh
    except ValueError:
        return ""


def document(notice: MeetingNotice) -> SearchDocument | None:
    """The notice as the search finds it; None while it is not public."""
    if notice.withheld or notice.published_at is None:
        return None
    withdrawn = notice.status == NoticeStatus.WITHDRAWN.value
    parts = (
        [notice.withdrawal_reason or ""]
        if withdrawn
        else [notice.agenda, notice.place, notice.participation, notice.cancel_reason or ""]
    )
    if not withdrawn and notice.outcome is not None:  # what the meeting decided, once public
        parts += [notice.outcome.summary, *(item.decision for item in notice.agenda_items)]
    return SearchDocument(
        key=str(notice.id),
        title=notice.title,
        url=f"/meetings/{notice.id}",
        text="\n".join(p for p in parts if p),
        extra=_kind_label(notice.kind),
        status="" if notice.status == NoticeStatus.SCHEDULED.value else notice.status,
        starts_at=notice.starts_at,
        ends_at=notice.ends_at or notice.starts_at,
        visible_from=notice.published_at,
    )


def _load(session: Session, keys: Sequence[str]) -> Mapping[str, SearchDocument]:
    ids = [int(k) for k in keys if k.isdigit()]
    notices = session.scalars(select(MeetingNotice).where(MeetingNotice.id.in_(ids)))
    documents = (document(n) for n in notices)
    return {d.key: d for d in documents if d is not None}


def _every_key(session: Session) -> Iterable[str]:
    return (str(i) for i in session.scalars(select(MeetingNotice.id)))


MEETING_SEARCH = SearchSource(
    kind="meeting",
    label_zh="重大会议",
    load=_load,
    every_key=_every_key,
    watches={
        MeetingNotice: lambda notice: (str(notice.id),),
        # an outcome and its decisions per item are found with the meeting (#17)
        MeetingOutcome: lambda outcome: (str(outcome.notice_id),),
        AgendaItem: lambda item: (str(item.notice_id),),
    },
    phase_labels_zh={
        "upcoming": "即将召开",
        "open": "正在召开",
        "closed": "已召开",
        "cancelled": "已取消或撤回",
    },
)
