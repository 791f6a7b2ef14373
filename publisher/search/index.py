"""Writing the index, in the same transaction as the content (docs/search.md).

`install(sources)` (done once by `publisher.wiring`) registers the features' sources. A
session's flushes record which documents the written rows touch (each source's `watches`);
just before the transaction commits, those documents are rebuilt from the session's own view
of the rows and written to the index in the same transaction. A refusal rolls back before
commit, so it indexes nothing; a commit never misses its documents. ORM bulk statements on a
watched table rebuild the whole kind (none of the use cases issues one today).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, Text, bindparam, cast, delete, event, insert, select, text
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.orm import ORMExecuteState, Session

from publisher.search import numbers, segment
from publisher.search.models import FTS_TABLE, SearchEntry
from publisher.search.source import SearchDocument, SearchSource
from publisher.timeutil import local_date

#: text of a document beyond this is not indexed (segmenting costs ~10 µs a character, paid
#: inside the writing transaction)
MAX_INDEXED_CHARS = 30_000
#: `Session.info` key: {kind: set of keys, or None for the whole kind}
_PENDING = "search_pending"
_ALL = None
_SOURCES: dict[str, SearchSource] = {}
_WATCHED: dict[type[Any], list[SearchSource]] = defaultdict(list)

_NOT_KEY = re.compile(r"[^\w]+")


def install(sources: Iterable[SearchSource]) -> None:
    """Make these the sources every session indexes for (replaces any installed before)."""
    _SOURCES.clear()
    _WATCHED.clear()
    for source in sources:
        if source.kind in _SOURCES:
            raise ValueError(f"two search sources of kind {source.kind!r}")
        _SOURCES[source.kind] = source
        for model in source.watches:
            _WATCHED[model].append(source)


def installed() -> Mapping[str, SearchSource]:
    return dict(_SOURCES)


def title_key(title: str) -> str:
    """A title folded for the exact-match rank: NFKC, lower case, letters and digits only."""
    return _NOT_KEY.sub("", numbers.fold(title).lower()).replace("_", "")[:500]


# ---- recording what a transaction touched ----------------------------------------------


def _pending(session: Session) -> dict[str, set[str] | None]:
    pending: dict[str, set[str] | None] = session.info.setdefault(_PENDING, {})
    return pending


def _touch(session: Session, obj: object) -> None:
    for source in _WATCHED.get(type(obj), ()):
        keys = _pending(session).setdefault(source.kind, set())
        if keys is not _ALL:
            keys.update(source.watches[type(obj)](obj))


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, _context: object) -> None:
    if not _WATCHED:
        return
    for obj in session.new:
        _touch(session, obj)
    for obj in session.deleted:
        _touch(session, obj)
    for obj in session.dirty:
        if session.is_modified(obj):
            _touch(session, obj)


@event.listens_for(Session, "do_orm_execute")
def _on_bulk_statement(state: ORMExecuteState) -> None:
    if not _WATCHED or not (state.is_update or state.is_delete or state.is_insert):
        return
    table = getattr(state.statement, "table", None)
    for model, sources in _WATCHED.items():
        if table is not None and getattr(model, "__table__", None) is table:
            for source in sources:
                _pending(state.session)[source.kind] = _ALL


@event.listens_for(Session, "before_commit")
def _before_commit(session: Session) -> None:
    if not session.info.get(_PENDING):
        return
    session.flush()  # the commit's own flush comes after this event: its rows count too
    pending = session.info.pop(_PENDING, {})
    for kind, keys in sorted(pending.items()):
        source = _SOURCES.get(kind)
        if source is not None:
            chosen = sorted(set(source.every_key(session))) if keys is _ALL else sorted(keys)
            refresh(session, source, chosen)


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    session.info.pop(_PENDING, None)


# ---- writing entries -------------------------------------------------------------------


def refresh(session: Session, source: SearchSource, keys: Sequence[str]) -> int:
    """Rebuild the index entries of these keys from the session's rows; returns how many
    documents are now indexed among them."""
    if not keys:
        return 0
    documents = source.load(session, keys)
    connection = session.connection()
    remove(connection, source.kind, keys)
    write(connection, source.kind, list(documents.values()))
    return len(documents)


def remove(connection: Connection, kind: str, keys: Sequence[str]) -> None:
    for start in range(0, len(keys), 500):
        chunk = list(keys[start : start + 500])
        where = (SearchEntry.kind == kind) & SearchEntry.key.in_(chunk)
        if connection.dialect.name == "sqlite":
            ids = list(connection.scalars(select(SearchEntry.id).where(where)))
            if ids:
                marks = ",".join(str(int(i)) for i in ids)
                connection.execute(text(f"DELETE FROM {FTS_TABLE} WHERE rowid IN ({marks})"))
        connection.execute(delete(SearchEntry).where(where))


def _row(kind: str, document: SearchDocument) -> dict[str, Any]:
    day = document.date or (local_date(document.starts_at) if document.starts_at else None)
    return {
        "kind": kind,
        "key": document.key,
        "title": document.title[:500],
        "title_key": title_key(document.title),
        "url": document.url,
        "department": document.department[:200],
        "status": document.status,
        "starts_at": document.starts_at,
        "ends_at": document.ends_at,
        "day": day.toordinal() if day else None,
        "visible_from": document.visible_from,
        "body": document.text,
    }


def _terms(document: SearchDocument) -> tuple[list[str], list[str]]:
    title = segment.index_terms(document.title)
    body = segment.index_terms(f"{document.extra}\n{document.text}"[:MAX_INDEXED_CHARS])
    return title, body


def tsvector_literal(title: Sequence[str], body: Sequence[str]) -> str:
    """PostgreSQL's tsvector text for the words as given (no parser, no dictionary):
    title words weight A, the others B, each with its positions (at most 256, PostgreSQL's
    limit, each at most 16383)."""
    positions: dict[str, list[str]] = {}
    for position, (word, weight) in enumerate(
        [(w, "A") for w in title] + [(w, "B") for w in body], start=1
    ):
        held = positions.setdefault(word, [])
        if len(held) < 256:
            held.append(f"{min(position, 16383)}{weight}")
    return " ".join(
        "'{}':{}".format(word.replace("\\", "\\\\").replace("'", "''"), ",".join(places))
        for word, places in positions.items()
    )


def write(
    connection: Connection,
    kind: str,
    documents: Sequence[SearchDocument],
    terms: Sequence[tuple[Sequence[str], Sequence[str]]] | None = None,
) -> None:
    """Insert entries for these documents (none of them indexed yet). `terms` gives each
    one's (title, body) words when already segmented (the benchmark); otherwise jieba cuts."""
    if not documents:
        return
    words = list(terms) if terms is not None else [_terms(d) for d in documents]
    rows = [_row(kind, d) for d in documents]
    if connection.dialect.name == "postgresql":
        values: dict[str, Any] = {column: bindparam(column) for column in rows[0]}
        values["terms"] = cast(bindparam("terms_text", type_=Text), TSVECTOR)
        params = [
            {**row, "terms_text": tsvector_literal(title, body)}
            for row, (title, body) in zip(rows, words, strict=True)
        ]
        connection.execute(insert(SearchEntry).values(values), params)
        return
    ids = connection.scalars(insert(SearchEntry).returning(SearchEntry.id), rows).all()
    connection.execute(
        text(f"INSERT INTO {FTS_TABLE} (rowid, title, body) VALUES (:id, :title, :body)"),
        [
            {"id": entry_id, "title": " ".join(title), "body": " ".join(body)}
            for entry_id, (title, body) in zip(ids, words, strict=True)
        ],
    )


def reindex(session: Session, sources: Iterable[SearchSource], batch: int = 200) -> dict[str, int]:
    """Rebuild every kind of these sources from the rows (`publisher search reindex`): entries
    of keys no longer public go; the caller commits. Returns the documents indexed per kind."""
    counts: dict[str, int] = {}
    connection = session.connection()
    for source in sources:
        keys = sorted(set(source.every_key(session)))
        stale = set(
            connection.scalars(select(SearchEntry.key).where(SearchEntry.kind == source.kind))
        ) - set(keys)
        remove(connection, source.kind, sorted(stale))
        counts[source.kind] = sum(
            refresh(session, source, keys[start : start + batch])
            for start in range(0, len(keys), batch)
        )
    return counts


def now_utc_day(now: dt.datetime) -> int:
    return local_date(now).toordinal()
