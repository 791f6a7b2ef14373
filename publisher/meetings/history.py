"""A published notice's public history in people's words (issue #12): instants in Beijing
time, statuses and kinds in Chinese, never the stored values; and what the notice said after
each revision, for feed entries that keep their history (issue #18)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, fields, replace
from typing import Any

from publisher.meetings.models import MeetingNotice, NoticeRevision
from publisher.meetings.vocabulary import FIELD_LABELS_ZH, NoticeStatus
from publisher.rules.predisclosure import MeetingKind
from publisher.timeutil import format_local, to_local

_DATETIME_FIELDS = frozenset({"starts_at", "ends_at", "application_deadline"})


def revision_changes(revision: NoticeRevision) -> dict[str, list[Any]]:
    """What changed, old and new; instants in Beijing time with their offset (stored in UTC)."""
    changes: dict[str, list[Any]] = json.loads(revision.changes)
    for name in _DATETIME_FIELDS & set(changes):
        changes[name] = [
            to_local(dt.datetime.fromisoformat(v)).isoformat() if v else v for v in changes[name]
        ]
    return changes


def _value_zh(name: str, value: object) -> str:
    if value is None or value == "":
        return "（无）"
    if name in _DATETIME_FIELDS:
        return format_local(dt.datetime.fromisoformat(str(value)))
    if name == "status":
        return NoticeStatus(str(value)).label_zh
    if name == "kind":
        return MeetingKind(str(value)).label_zh
    if name == "media_allowed":
        return "欢迎采访" if value else "不安排采访"
    if name == "capacity":
        return f"{value} 名"
    return str(value)


def change_lines_zh(changes: dict[str, list[Any]]) -> list[str]:
    """A revision in plain Chinese, as the public reads it: '开始时间：2026年12月8日 09:00 →
    2026年12月9日 09:00', '状态：按期召开 → 已取消', '取消原因：场地调整'."""
    lines = []
    for name, (old, new) in changes.items():
        label = FIELD_LABELS_ZH.get(name, name)
        if name in ("cancel_reason", "withdrawal_reason") and old in (None, ""):
            lines.append(f"{label}：{_value_zh(name, new)}")
        else:
            lines.append(f"{label}：{_value_zh(name, old)} → {_value_zh(name, new)}")
    return lines


@dataclass(frozen=True)
class NoticeState:
    """What a notice said at one moment of its public life: the fields its feed entries show."""

    title: str
    kind: str
    starts_at: dt.datetime | None
    place: str
    agenda: str
    participation: str
    status: str
    cancel_reason: str | None

    @classmethod
    def current(cls, notice: MeetingNotice) -> NoticeState:
        return cls(**{name: getattr(notice, name) for name in _STATE_FIELDS})

    def before(self, revision: NoticeRevision) -> NoticeState:
        """This state with the revision undone: each changed field back to its old value."""
        stored: dict[str, list[Any]] = json.loads(revision.changes)
        undone: dict[str, Any] = {}
        for name, (old, _new) in stored.items():
            if name not in _STATE_FIELDS:
                continue
            undone[name] = dt.datetime.fromisoformat(old) if name == "starts_at" and old else old
        return replace(self, **undone)


_STATE_FIELDS = tuple(f.name for f in fields(NoticeState))


def states_after(
    notice: MeetingNotice, revisions: list[NoticeRevision]
) -> tuple[NoticeState, list[NoticeState]]:
    """The notice as published, and as it stood after each of `revisions` (those after the
    publication, oldest first): the current state with later revisions undone, so a feed entry
    shows what was announced then, not what the notice says today."""
    state = NoticeState.current(notice)
    after: list[NoticeState] = []
    for revision in reversed(revisions):
        after.append(state)
        state = state.before(revision)
    after.reverse()
    return state, after


#: the fields whose change moves a meeting: its time or its place
MOVE_FIELDS = frozenset({"starts_at", "ends_at", "place"})


def moved_since(notice: MeetingNotice, since: dt.datetime) -> bool:
    """Whether the meeting's time or place changed after `since` (an application's moment),
    so that the applicant's page puts the new time above the decision they were given."""
    return any(
        revision.changed_at >= since and MOVE_FIELDS & set(json.loads(revision.changes))
        for revision in notice.revisions
    )
