"""Consultations as feeds: entries when a window opens, is extended, closes, and when the
adoption summary is published; one iCalendar deadline event per consultation; `?department=`.

Kept in memory while drafts and extensions are unchanged (the tables it watches); a built body
also ends at the next publication, opening or close (`_steady`), so the feed is rebuilt
exactly when its content would differ.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from sqlalchemy import func, select

from consultation.drafts import list_public_drafts
from consultation.models import (
    ConsultationAttachment,
    ConsultationDraft,
    OutcomeLink,
    WindowExtension,
)
from consultation.vocabulary import OutcomeRole
from feeds.calendar import consultation_deadline_event
from feeds.model import CalendarEvent, Enclosure, FeedEntry, entry_guid, event_uid
from feeds.source import FEEDS_EPOCH, FeedContext, FeedFilter, FeedSource, TimeSpan
from publisher.timeutil import format_local, format_local_end


def _rows(ctx: FeedContext) -> Sequence[ConsultationDraft]:
    department = ctx.filters.get("department")
    drafts = list_public_drafts(ctx.session, ctx.now)
    return [d for d in drafts if department is None or d.department == department]


def _steady(ctx: FeedContext) -> TimeSpan:
    """The last and the next publication, opening or close around now: the feed changes at
    each with no write."""
    columns = (
        ConsultationDraft.published_at,
        ConsultationDraft.opens_at,
        ConsultationDraft.closes_at,
    )
    row = ctx.session.execute(
        select(
            *(func.max(c).filter(c <= ctx.now) for c in columns),
            *(func.min(c).filter(c > ctx.now) for c in columns),
        ).where(
            ConsultationDraft.published_at.is_not(None),
            ConsultationDraft.secret_by_law.is_(False),
        )
    ).one()
    past = [t for t in row[: len(columns)] if t is not None]
    future = [t for t in row[len(columns) :] if t is not None]
    return max(past, default=None), min(future, default=None)


def _last_modified(drafts: Iterable[ConsultationDraft], ctx: FeedContext) -> dt.datetime:
    stamps: list[dt.datetime] = []
    for d in drafts:
        stamps += [d.updated_at, *(t for t in (d.published_at, d.summary_published_at) if t)]
        stamps += [t for t in (d.opens_at, d.closes_at) if t <= ctx.now]
        stamps += [o.linked_at for o in d.outcomes]
    return max(stamps, default=FEEDS_EPOCH)


def _draft_facts(draft: ConsultationDraft) -> str:
    window = f"{format_local(draft.opens_at)} 至 {format_local_end(draft.closes_at)}"
    lines = [f"征求意见时间：{window}（北京时间）"]
    if draft.department:
        lines.append(f"起草部门：{draft.department}")
    if draft.shorter_reason:
        lines.append(f"征求意见期较短的理由：{draft.shorter_reason}")
    return "\n".join(lines)


def _outcome_lines(draft: ConsultationDraft, ctx: FeedContext) -> str:
    """The decision as issued and its 解读, as lines with their addresses (第七条)."""
    return "".join(
        f"\n{OutcomeRole(o.role).label_zh}：{o.title} {ctx.base_url}{o.path}"
        for o in draft.outcomes
    )


def _entries(drafts: Iterable[ConsultationDraft], ctx: FeedContext) -> list[FeedEntry]:
    """Opened, each extension, closed, the adoption summary, and the decision as issued and its
    解读 once linked: each a dated entry."""
    entries = []
    for draft in drafts:
        link = f"{ctx.base_url}/consultations/{draft.id}"
        facts = _draft_facts(draft)
        published = draft.published_at or draft.opens_at
        if draft.opens_at <= ctx.now:
            published = max(published, draft.opens_at)
        entries.append(
            FeedEntry(
                guid=entry_guid("consultation", draft.id, 1),
                title=f"【征求意见】{draft.title}",
                link=link,
                published=published,
                updated=published,
                summary=facts,
                categories=("征求意见",),
                enclosures=tuple(
                    Enclosure(f"{link}/attachments/{a.id}", a.size, a.media_type)
                    for a in draft.attachments
                ),
            )
        )
        extensions: list[WindowExtension] = sorted(draft.extensions, key=lambda e: e.extended_at)
        for position, extension in enumerate(extensions, start=1):
            entries.append(
                FeedEntry(
                    guid=entry_guid("consultation-extension", draft.id, position),
                    title=f"【延长征求意见期】{draft.title}",
                    link=link,
                    published=extension.extended_at,
                    updated=extension.extended_at,
                    summary=(
                        f"截止时间由{format_local_end(extension.previous_closes_at)}延长至"
                        f"{format_local_end(extension.new_closes_at)}。理由：{extension.reason}"
                    ),
                    categories=("征求意见",),
                )
            )
        if draft.closes_at <= ctx.now:
            entries.append(
                FeedEntry(
                    guid=entry_guid("consultation-closed", draft.id, 1),
                    title=f"【征求意见结束】{draft.title}",
                    link=link,
                    published=draft.closes_at,
                    updated=draft.closes_at,
                    summary=facts,
                    categories=("征求意见",),
                )
            )
        if draft.summary_published_at:
            entries.append(
                FeedEntry(
                    guid=entry_guid("consultation-summary", draft.id, 1),
                    title=f"【意见采纳情况】{draft.title}",
                    link=link,
                    published=draft.summary_published_at,
                    updated=draft.summary_published_at,
                    summary=f"意见采纳情况已公布。{draft.outcome_text or ''}"
                    + _outcome_lines(draft, ctx),
                    categories=("意见采纳情况",),
                )
            )
        for outcome in draft.outcomes:
            role = OutcomeRole(outcome.role)
            entries.append(
                FeedEntry(
                    guid=entry_guid(f"consultation-{role.value}", draft.id, 1),
                    title=f"【{role.label_zh}】{outcome.title}",
                    link=f"{ctx.base_url}{outcome.path}",
                    published=outcome.linked_at,
                    updated=outcome.linked_at,
                    summary=f"本文件为决策草案《{draft.title}》公开征求意见后的{role.label_zh}。"
                    f"征求意见及意见采纳情况：{link}",
                    categories=("意见采纳情况",),
                )
            )
    return entries


def _events(drafts: Iterable[ConsultationDraft], ctx: FeedContext) -> list[CalendarEvent]:
    return [
        consultation_deadline_event(
            uid=event_uid("consultation", d.id),
            sequence=d.sequence,
            title=d.title,
            opens=d.opens_at,
            closes=d.closes_at,
            created=d.published_at or d.created_at,
            last_modified=max(d.updated_at, d.published_at or d.created_at),
            url=f"{ctx.base_url}/consultations/{d.id}",
            how_to_comment=f"在线提交意见：{ctx.base_url}/consultations/{d.id}",
        )
        for d in drafts
    ]


CONSULTATIONS_FEED = FeedSource(
    name="consultations",
    title="三门峡市重大行政决策草案征求意见",
    subtitle="决策草案公开征求意见、延长、截止和意见采纳情况",
    page_path="/consultations",
    rows=_rows,
    entries=_entries,
    events=_events,
    last_modified=_last_modified,
    watches=(
        ConsultationDraft.__tablename__,
        WindowExtension.__tablename__,
        ConsultationAttachment.__tablename__,
        OutcomeLink.__tablename__,
    ),
    steady=_steady,
    filters=(FeedFilter(name="department", description="Only drafts of this department."),),
)
