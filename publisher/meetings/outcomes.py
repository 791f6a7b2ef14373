"""A meeting's outcome, published by staff after it (会议纪要 / 会议情况): a summary, what was
decided on each agenda item, links to the resulting documents and consultations, and counts
only: the public representatives who attended by category, and how their opinions were
handled. Publishing (or correcting) it raises the calendar event's SEQUENCE.

The counts are taken when the outcome is published and kept with it, so the public record
does not move when applications are later erased by the retention rule.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from publisher.errors import Conflict, ValidationFailed
from publisher.meetings.agenda_items import DocumentInput, checked_links
from publisher.meetings.attendance import attendance
from publisher.meetings.models import (
    MeetingApplication,
    MeetingNotice,
    MeetingOutcome,
    RepresentativeOpinion,
)
from publisher.meetings.notices import get_notice
from publisher.meetings.vocabulary import (
    NoticeStatus,
    OpinionHandling,
    RepresentativeCategory,
    SummaryKind,
)
from publisher.staff import audit
from publisher.staff.principal import StaffPrincipal
from publisher.storage.db import unit_of_work

SUMMARY_MAX = 20000


@dataclass
class OutcomeInput:
    summary_kind: SummaryKind
    summary: str
    #: what was decided, by agenda item position (1-based); items not named keep theirs
    decisions: dict[int, str] = field(default_factory=dict)
    links: list[DocumentInput] = field(default_factory=list)


def _opinion_counts(session: Session, notice_id: int) -> dict[str, int]:
    rows = session.execute(
        select(RepresentativeOpinion.answered_at, RepresentativeOpinion.assigned_at)
        .join(MeetingApplication)
        .where(MeetingApplication.notice_id == notice_id)
    ).all()
    counts = Counter(
        OpinionHandling.ANSWERED
        if answered
        else OpinionHandling.ASSIGNED
        if assigned
        else OpinionHandling.RECEIVED
        for answered, assigned in rows
    )
    return {handling.value: counts[handling] for handling in OpinionHandling}


@unit_of_work
def publish_outcome(
    session: Session,
    principal: StaffPrincipal,
    notice_id: int,
    data: OutcomeInput,
    now: dt.datetime,
) -> MeetingOutcome:
    """Publish, or correct, the outcome of a meeting that has taken place."""
    notice = get_notice(session, notice_id)
    if not notice.is_public(now) or notice.status != NoticeStatus.SCHEDULED.value:
        raise Conflict(
            "Only a published meeting that took place can have an outcome.",
            "只有已公开预告且按期召开的会议才能发布会议情况。",
        )
    if notice.starts_at is None or notice.starts_at > now:
        raise Conflict("The meeting has not taken place yet.", "会议尚未召开，不能发布会议情况。")
    summary = data.summary.strip()
    if not summary or len(summary) > SUMMARY_MAX:
        raise ValidationFailed(
            f"The summary is required (at most {SUMMARY_MAX} characters).",
            f"请填写会议纪要或会议情况（不超过{SUMMARY_MAX}字）。",
            field="summary",
        )
    items = {item.position: item for item in notice.agenda_items}
    unknown = sorted(set(data.decisions) - set(items))
    if unknown:
        raise ValidationFailed(
            f"no agenda item numbered {unknown[0]}",
            f"没有第{unknown[0]}项议题",
            field="decisions",
        )
    links = checked_links(data.links)
    for position, decision in data.decisions.items():
        items[position].decision = decision.strip()[:SUMMARY_MAX]
    counts = attendance(session, notice, now)
    by_category = {c.value: counts.by_category.get(c.value, 0) for c in RepresentativeCategory}
    outcome = notice.outcome or MeetingOutcome(
        notice_id=notice.id, published_at=now, published_by=principal.username
    )
    outcome.summary_kind = SummaryKind(data.summary_kind).value
    outcome.summary = summary
    outcome.links = json.dumps(
        [{"kind": d.kind.value, "label": d.label, "url": d.url} for d in links],
        ensure_ascii=False,
    )
    outcome.attendance = json.dumps(by_category)
    outcome.opinions = json.dumps(_opinion_counts(session, notice.id))
    outcome.no_shows = counts.no_shows or 0
    outcome.updated_at = now
    if notice.outcome is None:
        session.add(outcome)
    notice.sequence += 1
    notice.updated_at = now
    session.flush()
    audit.record(
        session,
        principal,
        "meeting.outcome",
        "meeting_notice",
        notice.id,
        kind=outcome.summary_kind,
    )
    return outcome


@dataclass(frozen=True)
class OutcomeView:
    """An outcome as the public reads it (counts, labels in Chinese; no personal data)."""

    kind_zh: str
    summary: str
    decisions: list[tuple[int, str, str]]
    links: list[dict[str, str]]
    attendance: list[tuple[str, int]]
    attended: int
    opinions: list[tuple[str, int]]
    published_at: dt.datetime
    updated_at: dt.datetime


def view(notice: MeetingNotice) -> OutcomeView | None:
    outcome = notice.outcome
    if outcome is None:
        return None
    attendance_counts: dict[str, int] = json.loads(outcome.attendance)
    opinion_counts: dict[str, int] = json.loads(outcome.opinions)
    return OutcomeView(
        kind_zh=SummaryKind(outcome.summary_kind).label_zh,
        summary=outcome.summary,
        decisions=[(i.position, i.title, i.decision) for i in notice.agenda_items if i.decision],
        links=json.loads(outcome.links),
        attendance=[(RepresentativeCategory(k).label_zh, v) for k, v in attendance_counts.items()],
        attended=sum(attendance_counts.values()),
        opinions=[(OpinionHandling(k).label_zh, v) for k, v in opinion_counts.items()],
        published_at=outcome.published_at,
        updated_at=outcome.updated_at,
    )


def outcome_text(shown: OutcomeView) -> str:
    """The outcome as plain text, for the feeds and the calendar event's description."""
    lines = [f"【{shown.kind_zh}】", shown.summary]
    if shown.decisions:
        lines.append("议题决定：")
        lines += [f"{n}. {title}：{decision}" for n, title, decision in shown.decisions]
    if shown.links:
        lines.append("相关文件：" + "；".join(f"{d['label']} {d['url']}" for d in shown.links))
    lines.append(
        f"列席的社会公众代表共{shown.attended}人："
        + "、".join(f"{label}{count}人" for label, count in shown.attendance if count)
        if shown.attended
        else "列席的社会公众代表：无"
    )
    lines.append(
        "代表意见办理情况：" + "，".join(f"{label}{count}条" for label, count in shown.opinions)
    )
    return "\n".join(lines)
