"""The staff work queue (工作台): what needs doing, contributed by the features.

Each feature lists its queues in its manifest (`Feature.work_queues`); the staff home and
`GET /api/v1/staff/queue` show them without naming a feature. A queue answers with rows, each
a count and the link to the filtered list behind it, in a fixed number of statements whatever
the number of drafts, meetings or comments (counted with GROUP BY, never a query per row).

Time-bound queues ("closes within 3 working days") count on the working-day calendar; a year
the calendar does not cover is not guessed: that queue says so instead of answering.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from publisher.errors import CalendarNotCovered
from publisher.rules.workcalendar import WorkCalendar
from publisher.staff.roles import Role
from publisher.timeutil import start_of_local_day, to_local
from publisher.vocabulary import LabelledEnum, labelled


@labelled({"count": "数量", "waiting": "等待时间", "due": "期限", "label": "名称"})
class QueueSort(LabelledEnum):
    """How a queue's rows may be ordered: most first, oldest first, soonest first, by name."""

    COUNT = "count"
    WAITING = "waiting"
    DUE = "due"
    LABEL = "label"


@dataclass(frozen=True)
class QueueContext:
    """What every queue counts against: the one clock and the working-day calendar."""

    now: dt.datetime
    calendar: WorkCalendar

    @property
    def today(self) -> dt.date:
        return to_local(self.now).date()

    def working_days_horizon(self, days: int) -> dt.datetime:
        """The end (24:00, Beijing time) of the `days`-th working day after today.

        Raises CalendarNotCovered when the calendar cannot say."""
        last = self.calendar.add_working_days(self.today, days)
        return start_of_local_day(last + dt.timedelta(days=1))

    def waited_zh(self, since: dt.datetime) -> str:
        """How long something has waited, in working days when the calendar covers the span."""
        start = to_local(since).date()
        if start >= self.today:
            return "今日"
        try:
            days = self.calendar.working_days_between(start, self.today) + (
                1 if self.calendar.is_working_day(self.today) else 0
            )
        except CalendarNotCovered:
            return f"{(self.today - start).days}天"
        return f"{days}个工作日"


@dataclass(frozen=True)
class QueueRow:
    """One line of a queue: what it is about, how many wait, and where to act on them."""

    label: str
    #: how many items wait; None when the row is itself the one item (a draft, a meeting)
    count: int | None
    #: the filtered list behind the count
    link: str
    #: when the oldest item began to wait
    waiting_since: dt.datetime | None = None
    #: the deadline the row runs against (a window's close, a meeting's start)
    due_at: dt.datetime | None = None
    #: a short remark in Chinese (a department, a channel)
    note: str = ""


@dataclass(frozen=True)
class WorkQueue:
    key: str
    title_zh: str
    title_en: str
    #: what the unit of the count is, in Chinese ("条意见", "份申请")
    unit_zh: str
    #: the weakest role that acts on it; weaker roles do not see it
    role: Role
    #: the rows, counted in a fixed number of statements
    rows: Callable[[Session, QueueContext], Sequence[QueueRow]]
    default_sort: QueueSort = QueueSort.COUNT
    #: the sorts that make sense for this queue (the page offers these columns)
    sorts: tuple[QueueSort, ...] = (QueueSort.COUNT, QueueSort.WAITING, QueueSort.LABEL)


@dataclass(frozen=True)
class QueueReport:
    queue: WorkQueue
    rows: Sequence[QueueRow]
    #: a refusal in Chinese (e.g. the calendar does not cover this year): no rows then
    error_zh: str | None = None

    @property
    def total(self) -> int:
        return sum(1 if r.count is None else r.count for r in self.rows)


_FAR = dt.datetime.max.replace(tzinfo=dt.UTC)


def sort_rows(rows: Sequence[QueueRow], sort: QueueSort, descending: bool) -> list[QueueRow]:
    """Rows in the asked order; rows without the sorted value go last either way."""
    if sort is QueueSort.LABEL:
        return sorted(rows, key=lambda r: r.label, reverse=descending)
    if sort is QueueSort.COUNT:
        return sorted(rows, key=lambda r: 1 if r.count is None else r.count, reverse=descending)
    present = [r for r in rows if (r.waiting_since if sort is QueueSort.WAITING else r.due_at)]
    absent = [r for r in rows if r not in present]

    def instant(row: QueueRow) -> dt.datetime:
        value = row.waiting_since if sort is QueueSort.WAITING else row.due_at
        return value or _FAR

    return sorted(present, key=instant, reverse=descending) + absent


def default_descending(sort: QueueSort) -> bool:
    """Most first for counts; oldest and soonest first for times; A to Z for names."""
    return sort is QueueSort.COUNT


def collect(
    session: Session, queues: Sequence[WorkQueue], role: Role, context: QueueContext
) -> list[QueueReport]:
    """Every queue the role acts on, each in its default order."""
    reports = []
    for queue in queues:
        if not role.allows(queue.role):
            continue
        reports.append(report(session, queue, context))
    return reports


def report(
    session: Session,
    queue: WorkQueue,
    context: QueueContext,
    sort: QueueSort | None = None,
    descending: bool | None = None,
) -> QueueReport:
    sort = sort or queue.default_sort
    if descending is None:
        descending = default_descending(sort)
    try:
        rows = queue.rows(session, context)
    except CalendarNotCovered as exc:
        return QueueReport(queue, (), exc.message_zh)
    return QueueReport(queue, sort_rows(rows, sort, descending))


def find(queues: Sequence[WorkQueue], key: str) -> WorkQueue | None:
    return next((q for q in queues if q.key == key), None)
