"""Meetings as feeds: one RSS/Atom entry per published revision and one for the outcome, one
iCalendar event per meeting for life (SEQUENCE raised on changes that matter to an attendee
and when the outcome is published), `?kind=` filter. The agenda is the notice's numbered list.

Kept in memory while the notices and their revisions are unchanged (the tables it watches);
visibility is decided at read time, so a built body also ends at the next scheduled
publication (`_steady`): the feed is rebuilt exactly when it would differ.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence

from sqlalchemy import func, select

from feeds.model import CalendarEvent, EventStatus, FeedEntry, entry_guid, event_uid
from feeds.source import FEEDS_EPOCH, FeedContext, FeedFilter, FeedSource, TimeSpan
from publisher.meetings.history import NoticeState, revision_changes, states_after
from publisher.meetings.listing import public_notices
from publisher.meetings.models import (
    AgendaDocument,
    AgendaItem,
    MeetingNotice,
    MeetingOutcome,
    NoticeRevision,
)
from publisher.meetings.outcomes import outcome_text, view
from publisher.meetings.vocabulary import FIELD_LABELS_ZH, NoticeStatus
from publisher.rules.predisclosure import MeetingKind
from publisher.timeutil import format_local


def _rows(ctx: FeedContext) -> Sequence[MeetingNotice]:
    kind = ctx.filters.get("kind")
    return [n for n in public_notices(ctx.session, ctx.now) if kind is None or n.kind == kind]


def _steady(ctx: FeedContext) -> TimeSpan:
    """The last and the next scheduled publications around now: the feed changes at each with
    no write."""
    scheduled = MeetingNotice.published_at
    since, until = ctx.session.execute(
        select(
            func.max(scheduled).filter(scheduled <= ctx.now),
            func.min(scheduled).filter(scheduled > ctx.now),
        ).where(MeetingNotice.withheld.is_(False))
    ).one()
    return since, until


def _last_modified(notices: Iterable[MeetingNotice], _: FeedContext) -> dt.datetime:
    stamps = [n.updated_at for n in notices] + [n.published_at for n in notices if n.published_at]
    return max(stamps, default=FEEDS_EPOCH)


#: a document's link on its own at the end of an agenda line: a path on this site
_SITE_LINK = re.compile(r"(?m)(?<= )/(?!/)(\S*)$")


def absolute_links(text: str, base_url: str) -> str:
    """Paths on this site (an uploaded file, a consultation) made into full links: a feed
    reader or a calendar has no page to resolve them against."""
    return _SITE_LINK.sub(lambda m: f"{base_url}/{m.group(1)}", text)


def _meeting_facts(notice: MeetingNotice, base_url: str, state: NoticeState | None = None) -> str:
    """The facts as `state` announced them (by default: as the notice stands now)."""
    kind = MeetingKind(notice.kind).label_zh
    if notice.status == NoticeStatus.WITHDRAWN.value and notice.withdrawn_at is not None:
        # the content was taken down with the notice: the feeds keep only the record
        return (
            f"本预告已于{format_local(notice.withdrawn_at)}（北京时间）撤回。"
            f"撤回理由：{notice.withdrawal_reason or '未说明'}\n会议类型：{kind}"
        )
    shown = state or NoticeState.current(notice)
    lines = [f"会议类型：{MeetingKind(shown.kind).label_zh}"]
    if shown.starts_at:
        lines.append(f"会议时间：{format_local(shown.starts_at)}（北京时间）")
    lines += [
        f"会议地点：{shown.place}",
        f"主要内容：\n{absolute_links(shown.agenda, base_url)}",
        f"公众参与方式：{shown.participation}",
    ]
    if shown.status == NoticeStatus.CANCELLED.value:
        lines.insert(0, f"本次会议已取消。原因：{shown.cancel_reason or '未说明'}")
    return "\n".join(lines)


def _revision_summary(notice: MeetingNotice, revision: NoticeRevision) -> str:
    if notice.status == NoticeStatus.WITHDRAWN.value:
        return ""  # what changed before the withdrawal was taken down with the notice
    changes = revision_changes(revision)
    names = "、".join(FIELD_LABELS_ZH.get(name, name) for name in changes)
    return f"变更内容：{names}。{('原因：' + revision.reason) if revision.reason else ''}"


def _entries(notices: Iterable[MeetingNotice], ctx: FeedContext) -> list[FeedEntry]:
    """One entry per published revision: the notice itself, then each change after publication."""
    entries = []
    for notice in notices:
        assert notice.published_at is not None
        link = f"{ctx.base_url}/meetings/{notice.id}"
        kind = MeetingKind(notice.kind).label_zh
        after_publication = [r for r in notice.revisions if r.changed_at >= notice.published_at]
        published, states = states_after(notice, after_publication)
        entries.append(
            FeedEntry(
                guid=entry_guid("meeting", notice.id, 1),
                title=f"【公开预告】{published.title}",
                link=link,
                published=notice.published_at,
                updated=notice.published_at,
                summary=_meeting_facts(notice, ctx.base_url, published),
                categories=(kind,),
            )
        )
        # revisions are append-only, so a revision's position is a stable GUID component
        pairs = zip(after_publication, states, strict=True)
        for position, (revision, state) in enumerate(pairs, start=2):
            ended = "status" in revision_changes(revision)
            prefix = (
                f"【{NoticeStatus(state.status).label_zh}】"
                if ended and state.status != NoticeStatus.SCHEDULED.value
                else "【变更】"
            )
            entries.append(
                FeedEntry(
                    guid=entry_guid("meeting", notice.id, position),
                    title=f"{prefix}{state.title}",
                    link=link,
                    published=revision.changed_at,
                    updated=revision.changed_at,
                    summary="\n".join(
                        part
                        for part in (
                            _revision_summary(notice, revision),
                            _meeting_facts(notice, ctx.base_url, state),
                        )
                        if part
                    ),
                    categories=(kind,),
                )
            )
        outcome = view(notice) if notice.status == NoticeStatus.SCHEDULED.value else None
        if outcome is not None:
            entries.append(
                FeedEntry(
                    guid=entry_guid("meeting-outcome", notice.id, 1),
                    title=f"【{outcome.kind_zh}】{notice.title}",
                    link=link,
                    published=outcome.published_at,
                    updated=outcome.updated_at,
                    summary=outcome_text(outcome),
                    categories=(kind,),
                )
            )
    return entries


def _events(notices: Iterable[MeetingNotice], ctx: FeedContext) -> list[CalendarEvent]:
    events = []
    for notice in notices:
        if notice.starts_at is None:
            continue
        cancelled = notice.status != NoticeStatus.SCHEDULED.value
        withdrawn = notice.status == NoticeStatus.WITHDRAWN.value
        description = _meeting_facts(notice, ctx.base_url)
        outcome = view(notice) if not cancelled else None
        if outcome is not None:
            description = f"{outcome_text(outcome)}\n\n{description}"
        events.append(
            CalendarEvent(
                uid=event_uid("meeting", notice.id),
                sequence=notice.sequence,
                summary=notice.title,
                start=notice.starts_at,
                end=notice.ends_at
                if notice.ends_at and notice.ends_at > notice.starts_at
                else None,
                created=notice.published_at or notice.created_at,
                last_modified=max(notice.updated_at, notice.published_at or notice.created_at),
                status=EventStatus.CANCELLED if cancelled else EventStatus.CONFIRMED,
                description=description,
                location="" if withdrawn else notice.place,
                url=f"{ctx.base_url}/meetings/{notice.id}",
                categories=(MeetingKind(notice.kind).label_zh,),
            )
        )
    return events


MEETINGS_FEED = FeedSource(
    name="meetings",
    title="三门峡市政府重大会议公开预告",
    subtitle="市政府全体会议、常务会议等重大会议的公开预告、变更和取消",
    page_path="/meetings",
    rows=_rows,
    entries=_entries,
    events=_events,
    last_modified=_last_modified,
    watches=(
        MeetingNotice.__tablename__,
        NoticeRevision.__tablename__,
        AgendaItem.__tablename__,
        AgendaDocument.__tablename__,
        MeetingOutcome.__tablename__,
    ),
    steady=_steady,
    filters=(
        FeedFilter(
            name="kind",
            description="Only this meeting kind.",
            choices=tuple(k.value for k in MeetingKind),
            title_suffix=lambda value: f"（{MeetingKind(value).label_zh}）",
        ),
    ),
)
