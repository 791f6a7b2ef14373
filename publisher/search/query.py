"""Finding: one query, the same answer on SQLite (FTS5) and PostgreSQL (tsvector).

Every clause of the query plan must match. The order: a title equal to the query first, then
relevance (FTS5's bm25 with the title weighted 8, or PostgreSQL's ts_rank with the title at
weight A) times a recency factor between 1 and 2 that halves its bonus each year of age, then
the newest. Filters: kind, department, the date's range (Beijing days) and the phase by the
clock. Snippets are cut from the stored public text, for the page shown only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Float,
    Select,
    and_,
    case,
    cast,
    column,
    func,
    literal_column,
    or_,
    select,
    table,
    type_coerce,
)
from sqlalchemy.dialects.postgresql import TSQUERY
from sqlalchemy.orm import Session

from publisher.errors import ValidationFailed
from publisher.search import segment
from publisher.search.index import title_key
from publisher.search.models import FTS_TABLE, SearchEntry
from publisher.search.snippets import Snippet, snippet, title_marks
from publisher.search.source import SearchSource
from publisher.timeutil import local_date

MAX_QUERY_CHARS = 100
#: relevance on SQLite: bm25 weights of the title and the body
TITLE_WEIGHT = 8.0


@dataclass(frozen=True)
class SearchFilter:
    kinds: tuple[str, ...] = ()
    department: str | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    phase: str | None = None  # one of source.PHASES


@dataclass(frozen=True)
class Hit:
    kind: str
    kind_label_zh: str
    key: str
    title: str
    title_marked: Snippet
    url: str
    snippet: Snippet
    department: str
    date: dt.date | None
    phase: str | None
    phase_label_zh: str | None


@dataclass(frozen=True)
class Found:
    hits: Sequence[Hit]
    total: int
    words: tuple[str, ...]


def check_query(query: str) -> segment.QueryPlan:
    """The query's plan; refused (bilingual) when empty, too long or without a word."""
    cleaned = "".join(ch for ch in query if ch.isprintable()).strip()
    if not cleaned:
        raise ValidationFailed(
            "Type a word or a document number to search for.",
            "请输入要搜索的词语或文号。",
            field="q",
        )
    if len(cleaned) > MAX_QUERY_CHARS:
        raise ValidationFailed(
            f"The search is longer than {MAX_QUERY_CHARS} characters.",
            f"搜索内容不能超过{MAX_QUERY_CHARS}个字。",
            field="q",
            max_length=MAX_QUERY_CHARS,
        )
    plan = segment.plan_query(cleaned)
    if plan.empty:
        raise ValidationFailed(
            "The search holds no word to look for (only punctuation or spaces).",
            "搜索内容中没有可查找的词语（只有标点或空格）。",
            field="q",
        )
    return plan


def check_filter(search_filter: SearchFilter, kinds: Sequence[str]) -> None:
    unknown = [k for k in search_filter.kinds if k not in kinds]
    if unknown:
        raise ValidationFailed(
            f"Unknown kind {unknown[0]!r}; kinds: {', '.join(kinds)}.",
            f"没有“{unknown[0]}”这一类内容；可选：{'、'.join(kinds)}。",
            field="kind",
        )
    if (
        search_filter.date_from
        and search_filter.date_to
        and search_filter.date_from > search_filter.date_to
    ):
        raise ValidationFailed(
            "date_from is after date_to.", "起始日期晚于截止日期。", field="date_from"
        )


def _fts_match(plan: segment.QueryPlan) -> str:
    def quoted(word: str) -> str:
        return '"' + word.replace('"', '""') + '"'

    clauses = []
    for clause in plan.clauses:
        if clause.parts:
            parts = " AND ".join(quoted(p) for p in clause.parts)
            clauses.append(f"({quoted(clause.word)} OR ({parts}))")
        else:
            clauses.append(quoted(clause.word))
    return " AND ".join(clauses)


def _tsquery(plan: segment.QueryPlan) -> str:
    def quoted(word: str) -> str:
        return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"

    clauses = []
    for clause in plan.clauses:
        if clause.parts:
            parts = " & ".join(quoted(p) for p in clause.parts)
            clauses.append(f"({quoted(clause.word)} | ({parts}))")
        else:
            clauses.append(quoted(clause.word))
    return " & ".join(clauses)


def _phase_condition(phase: str, now: dt.datetime) -> ColumnElement[bool]:
    e = SearchEntry
    if phase == "cancelled":
        return e.status != ""
    active = and_(e.status == "", e.starts_at.is_not(None))
    if phase == "upcoming":
        return and_(active, e.starts_at > now)
    if phase == "open":
        return and_(active, e.starts_at <= now, or_(e.ends_at.is_(None), e.ends_at > now))
    return and_(active, e.ends_at.is_not(None), e.ends_at <= now)


def phase_of(
    entry_status: str, starts_at: dt.datetime | None, ends_at: dt.datetime | None, now: dt.datetime
) -> str | None:
    if entry_status:
        return "cancelled"
    if starts_at is None:
        return None
    if starts_at > now:
        return "upcoming"
    if ends_at is None or ends_at > now:
        return "open"
    return "closed"


def _filtered(
    query: Select[SearchEntry, float], search_filter: SearchFilter, now: dt.datetime
) -> Select[SearchEntry, float]:
    e = SearchEntry
    query = query.where(or_(e.visible_from.is_(None), e.visible_from <= now))
    if search_filter.kinds:
        query = query.where(e.kind.in_(search_filter.kinds))
    if search_filter.department:
        query = query.where(e.department == search_filter.department)
    if search_filter.date_from:
        query = query.where(e.day >= search_filter.date_from.toordinal())
    if search_filter.date_to:
        query = query.where(e.day <= search_filter.date_to.toordinal())
    if search_filter.phase:
        query = query.where(_phase_condition(search_filter.phase, now))
    return query


def search(
    session: Session,
    sources: Sequence[SearchSource],
    query: str,
    search_filter: SearchFilter,
    now: dt.datetime,
    offset: int,
    limit: int,
) -> Found:
    """A page of the public documents matching `query`, best first, and how many match."""
    plan = check_query(query)
    by_kind = {s.kind: s for s in sources}
    check_filter(search_filter, list(by_kind))
    e = SearchEntry
    if session.get_bind().dialect.name == "postgresql":
        tsquery = cast(_tsquery(plan), TSQUERY)
        relevance: ColumnElement[float] = func.ts_rank(e.terms, tsquery)
        base = select(e, relevance).where(e.terms.op("@@")(tsquery))
    else:
        fts = table(FTS_TABLE, column("rowid"))
        named: ColumnElement[Any] = literal_column(FTS_TABLE)
        relevance = -type_coerce(func.bm25(named, TITLE_WEIGHT, 1.0), Float)
        base = (
            select(e, relevance)
            .select_from(fts)
            .join(e, fts.c.rowid == e.id)
            .where(named.op("MATCH")(_fts_match(plan)))
        )
    base = _filtered(base, search_filter, now)
    total = session.scalar(select(func.count()).select_from(base.order_by(None).subquery())) or 0
    today = local_date(now).toordinal()
    days = func.coalesce(today - e.day, 3650)
    age = case((days < 0, 0), else_=days)
    recency = 1.0 + 1.0 / (1.0 + cast(age, Float) / 365.0)
    exact = case((e.title_key == title_key(query), 0), else_=1)
    ordered = base.order_by(exact, (relevance * recency).desc(), e.day.desc(), e.id.desc())
    rows = session.execute(ordered.offset(offset).limit(limit)).all()
    words = plan.highlight_words
    hits = []
    for entry, _score in rows:
        source = by_kind.get(entry.kind)
        phase = phase_of(entry.status, entry.starts_at, entry.ends_at, now)
        labels = source.phase_labels_zh if source else {}
        hits.append(
            Hit(
                kind=entry.kind,
                kind_label_zh=source.label_zh if source else entry.kind,
                key=entry.key,
                title=entry.title,
                title_marked=title_marks(entry.title, words),
                url=entry.url,
                snippet=snippet(entry.body, words),
                department=entry.department,
                date=dt.date.fromordinal(entry.day) if entry.day else None,
                phase=phase if phase in labels else None,
                phase_label_zh=labels.get(phase) if phase else None,
            )
        )
    return Found(hits, int(total), words)
