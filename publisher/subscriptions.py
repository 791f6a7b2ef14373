"""What the public can subscribe to: meetings and consultations as feed entries and events.

Adapters from domain objects to the pure `feeds` types, plus the cheap version token that tells
the feed cache whether anything visible changed. Visibility is decided at read time, so the
token includes what time alone changes (a notice passing its publication instant, a window
closing): the feed is rebuilt exactly when its content would differ.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Iterable, Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from consultation import service as consultation_service
from consultation.models import ConsultationDraft, WindowExtension
from feeds.calendar import consultation_deadline_event
from feeds.model import CalendarEvent, EventStatus, FeedEntry, entry_guid, event_uid
from publisher.meetings import service as meeting_service
from publisher.meetings.models import MeetingNotice, NoticeRevision, NoticeStatus
from publisher.rules.predisclosure import MeetingKind
from publisher.timeutil import format_local

EPOCH = dt.datetime(2018, 1, 1, tzinfo=dt.UTC)

_FIELD_ZH = {
    "starts_at": "开始时间",
    "ends_at": "结束时间",
    "place": "地点",
    "agenda": "主要内容",
    "participation": "公众参与方式",
    "title": "标题",
    "status": "状态",
    "application_deadline": "申请截止时间",
    "capacity": "名额",
    "media_allowed": "媒体参与",
}


# --- meetings -------------------------------------------------------------------------------


def public_meetings(
    session: Session, now: dt.datetime, kind: str | None
) -> Sequence[MeetingNotice]:
    notices = meeting_service.public_notices(session, now)
    return [n for n in notices if kind is None or n.kind == kind]


def meetings_version(session: Session, now: dt.datetime, kind: str | None) -> Hashable:
    query = select(
        func.count(MeetingNotice.id),
        func.max(MeetingNotice.updated_at),
        func.max(MeetingNotice.published_at),
    ).where(
        MeetingNotice.withheld.is_(False),
        MeetingNotice.published_at.is_not(None),
        MeetingNotice.published_at <= now,
    )
    if kind:
        query = query.where(MeetingNotice.kind == kind)
    return tuple(session.execute(query).one())


def meetings_last_modified(notices: Iterable[MeetingNotice]) -> dt.datetime:
    stamps = [n.updated_at for n in notices] + [n.published_at for n in notices if n.published_at]
    return max(stamps, default=EPOCH)


def _meeting_facts(notice: MeetingNotice) -> str:
    kind = MeetingKind(notice.kind).label_zh
    lines = [f"会议类型：{kind}"]
    if notice.starts_at:
        lines.append(f"会议时间：{format_local(notice.starts_at)}（北京时间）")
    lines += [
        f"会议地点：{notice.place}",
        f"主要内容：{notice.agenda}",
        f"公众参与方式：{notice.participation}",
    ]
    if notice.status == NoticeStatus.CANCELLED.value:
        lines.insert(0, f"本次会议已取消。原因：{notice.cancel_reason or '未说明'}")
    return "\n".join(lines)


def _revision_summary(revision: NoticeRevision) -> str:
    changes = meeting_service.revision_changes(revision)
    names = "、".join(_FIELD_ZH.get(name, name) for name in changes)
    return f"变更内容：{names}。{('原因：' + revision.reason) if revision.reason else ''}"


def meeting_entries(notices: Iterable[MeetingNotice], base_url: str) -> list[FeedEntry]:
    """One entry per published revision: the notice itself, then each change after publication."""
    entries = []
    for notice in notices:
        assert notice.published_at is not None
        link = f"{base_url}/meetings/{notice.id}"
        kind = MeetingKind(notice.kind).label_zh
        entries.append(
            FeedEntry(
                guid=entry_guid("meeting", notice.id, 1),
                title=f"【公开预告】{notice.title}",
                link=link,
                published=notice.published_at,
                updated=notice.published_at,
                summary=_meeting_facts(notice),
                categories=(kind,),
            )
        )
        after_publication = [r for r in notice.revisions if r.changed_at >= notice.published_at]
        # revisions are append-only, so a revision's position is a stable GUID component
        for position, revision in enumerate(after_publication, start=2):
            cancelled = "status" in meeting_service.revision_changes(revision)
            prefix = "【已取消】" if cancelled and notice.status == "cancelled" else "【变更】"
            entries.append(
                FeedEntry(
                    guid=entry_guid("meeting", notice.id, position),
                    title=f"{prefix}{notice.title}",
                    link=link,
                    published=revision.changed_at,
                    updated=revision.changed_at,
                    summary=_revision_summary(revision) + "\n" + _meeting_facts(notice),
                    categories=(kind,),
                )
            )
    return entries


def meeting_events(notices: Iterable[MeetingNotice], base_url: str) -> list[CalendarEvent]:
    events = []
    for notice in notices:
        if notice.starts_at is None:
            continue
        cancelled = notice.status == NoticeStatus.CANCELLED.value
        description = _meeting_facts(notice)
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
                location=notice.place,
                url=f"{base_url}/meetings/{notice.id}",
                categories=(MeetingKind(notice.kind).label_zh,),
            )
        )
    return events


# --- consultations --------------------------------------------------------------------------


def public_consultations(
    session: Session, now: dt.datetime, department: str | None
) -> list[ConsultationDraft]:
    drafts = consultation_service.list_public_drafts(session, now)
    return [d for d in drafts if department is None or d.department == department]


def consultations_version(session: Session, now: dt.datetime, department: str | None) -> Hashable:
    visible = (
        ConsultationDraft.published_at.is_not(None),
        ConsultationDraft.published_at <= now,
        ConsultationDraft.secret_by_law.is_(False),
        *((ConsultationDraft.department == department,) if department else ()),
    )
    row = session.execute(
        select(
            func.count(ConsultationDraft.id),
            func.max(ConsultationDraft.updated_at),
            func.max(ConsultationDraft.published_at),
            func.count(ConsultationDraft.id).filter(ConsultationDraft.opens_at <= now),
            func.count(ConsultationDraft.id).filter(ConsultationDraft.closes_at <= now),
        ).where(*visible)
    ).one()
    return tuple(row)


def consultations_last_modified(
    drafts: Iterable[ConsultationDraft], now: dt.datetime
) -> dt.datetime:
    stamps: list[dt.datetime] = []
    for d in drafts:
        stamps += [d.updated_at, *(t for t in (d.published_at, d.summary_published_at) if t)]
        stamps += [t for t in (d.opens_at, d.closes_at) if t <= now]
    return max(stamps, default=EPOCH)


def _draft_facts(draft: ConsultationDraft) -> str:
    window = f"{format_local(draft.opens_at)} 至 {format_local(draft.closes_at)}"
    lines = [f"征求意见时间：{window}（北京时间）"]
    if draft.department:
        lines.append(f"起草部门：{draft.department}")
    if draft.shorter_reason:
        lines.append(f"征求意见期较短的理由：{draft.shorter_reason}")
    return "\n".join(lines)


def consultation_entries(
    drafts: Iterable[ConsultationDraft], base_url: str, now: dt.datetime
) -> list[FeedEntry]:
    """Opened, each extension, closed, and the adoption summary: each a dated entry."""
    entries = []
    for draft in drafts:
        link = f"{base_url}/consultations/{draft.id}"
        facts = _draft_facts(draft)
        published = draft.published_at or draft.opens_at
        entries.append(
            FeedEntry(
                guid=entry_guid("consultation", draft.id, 1),
                title=f"【征求意见】{draft.title}",
                link=link,
                published=max(published, draft.opens_at) if draft.opens_at <= now else published,
                updated=max(published, draft.opens_at) if draft.opens_at <= now else published,
                summary=facts,
                categories=("征求意见",),
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
                        f"截止时间由{format_local(extension.previous_closes_at)}延长至"
                        f"{format_local(extension.new_closes_at)}。理由：{extension.reason}"
                    ),
                    categories=("征求意见",),
                )
            )
        if draft.closes_at <= now:
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
                    summary=f"意见采纳情况已公布。{draft.outcome_text or ''}",
                    categories=("意见采纳情况",),
                )
            )
    return entries


def consultation_events(drafts: Iterable[ConsultationDraft], base_url: str) -> list[CalendarEvent]:
    return [
        consultation_deadline_event(
            uid=event_uid("consultation", d.id),
            sequence=d.sequence,
            title=d.title,
            opens=d.opens_at,
            closes=d.closes_at,
            created=d.published_at or d.created_at,
            last_modified=max(d.updated_at, d.published_at or d.created_at),
            url=f"{base_url}/consultations/{d.id}",
            how_to_comment=f"在线提交意见：{base_url}/consultations/{d.id}",
        )
        for d in drafts
    ]
