"""Following a meeting kind (关注, issue #13 item 3): the topic, and the alerts its confirmed
followers get — a new notice when it becomes public, a public change, a cancellation — each
once, through `publisher.notifications.fanout`. A notice published at once is announced in the
staff write's transaction; one scheduled for later by the outbox worker's job when it comes due.
A withdrawn notice sends followers nothing (its matter may be secret by law); its applicants
are told (`meetings.notify`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from publisher.errors import NotFound
from publisher.meetings.models import MeetingNotice
from publisher.meetings.vocabulary import FIELD_LABELS_ZH, NoticeStatus
from publisher.notifications.fanout import ScheduledAlert, alert_followers
from publisher.notifications.following import Topic
from publisher.notifications.vocabulary import TopicKind
from publisher.rules.predisclosure import MeetingKind
from publisher.timeutil import format_local

PUBLISHED = "follow.meeting.published"
CHANGED = "follow.meeting.changed"
CANCELLED = "follow.meeting.cancelled"


def kind_topic(kind: str) -> Topic:
    try:
        meeting_kind = MeetingKind(kind)
    except ValueError:
        raise NotFound(f"No meeting kind {kind!r}.", f"没有“{kind}”这类会议。") from None
    return Topic(
        TopicKind.MEETING_KIND, meeting_kind.value, f"{meeting_kind.label_zh}的预告", "/meetings"
    )


def _context(notice: MeetingNotice) -> dict[str, str]:
    return {
        "title": notice.title,
        "kind": MeetingKind(notice.kind).label_zh,
        "when": format_local(notice.starts_at) if notice.starts_at else "另行通知",
        "place": notice.place or "另行通知",
        "link": f"/meetings/{notice.id}",
    }


def _topics(notice: MeetingNotice) -> list[tuple[str, str]]:
    return [(TopicKind.MEETING_KIND.value, notice.kind)]


def _subject(notice_id: int) -> str:
    return f"meeting_notice:{notice_id}"


def tell_published(session: Session, notice: MeetingNotice, now: dt.datetime) -> int | None:
    """A notice public from now on (and still scheduled): its kind's followers, once."""
    if not notice.is_public(now) or notice.status != NoticeStatus.SCHEDULED.value:
        return None
    return alert_followers(
        session, PUBLISHED, _subject(notice.id), _topics(notice), _context(notice), now
    )


def tell_changed(
    session: Session, notice: MeetingNotice, fields: Iterable[str], now: dt.datetime
) -> int | None:
    """A public change to a public notice."""
    if not notice.is_public(now):
        return None
    changes = "、".join(FIELD_LABELS_ZH.get(name, name) for name in sorted(fields))
    return alert_followers(
        session,
        CHANGED,
        f"{_subject(notice.id)}@{now.isoformat()}",
        _topics(notice),
        _context(notice) | {"changes": changes},
        now,
    )


def tell_cancelled(session: Session, notice: MeetingNotice, now: dt.datetime) -> int | None:
    if not notice.is_public(now):
        return None
    return alert_followers(
        session,
        CANCELLED,
        _subject(notice.id),
        _topics(notice),
        _context(notice) | {"reason": notice.cancel_reason or ""},
        now,
    )


def _published_between(session: Session, since: dt.datetime, now: dt.datetime) -> list[str]:
    rows = session.scalars(
        select(MeetingNotice.id).where(
            MeetingNotice.published_at > since,
            MeetingNotice.published_at <= now,
            MeetingNotice.withheld.is_(False),
            MeetingNotice.status == NoticeStatus.SCHEDULED.value,
        )
    )
    return [_subject(notice_id) for notice_id in rows]


def _published_now(session: Session, subject: str, now: dt.datetime) -> int | None:
    notice = session.get(MeetingNotice, int(subject.rpartition(":")[2]))
    return None if notice is None else tell_published(session, notice, now)


PUBLISHED_ALERTS = ScheduledAlert(PUBLISHED, _published_between, _published_now)
