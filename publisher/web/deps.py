"""FastAPI dependencies shared by every router."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from typing import Annotated

from fastapi import Depends, Path, Query, Request
from pydantic import Field
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from publisher.blobs.store import BlobStore, DatabaseBlobStore
from publisher.rules.rulebook import RuleBook
from publisher.rules.workcalendar import WorkCalendar
from publisher.settings import Settings
from publisher.throttle.limits import address_digest
from publisher.timeutil import now_utc
from publisher.workdays.store import CalendarSource

# The dependencies that only read the app's state are `async def`: FastAPI runs a plain `def`
# dependency in its thread pool, a hop per dependency per request (#15).


async def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def get_engine(request: Request) -> Engine:
    """The app's engine, for an async endpoint that hands its write to the group writer and
    holds no session of its own."""
    engine: Engine = request.app.state.engine
    return engine


async def get_blobs(request: Request) -> BlobStore:
    """Where uploaded bytes live (`PUBLISHER_BLOB_STORE`), shared by every request."""
    blobs: BlobStore = request.app.state.blob_store
    return blobs


async def get_database_blobs(request: Request) -> BlobStore:
    """The database's blob rows whatever `PUBLISHER_BLOB_STORE` says: files written in the
    transaction of the row naming them (`blobs.store.put_in_transaction`) live there."""
    return DatabaseBlobStore(request.app.state.engine)


def get_db(request: Request) -> Iterator[Session]:
    """One session per request; whatever a handler did not commit is rolled back."""
    session: Session = request.app.state.session_factory()
    try:
        yield session
    finally:
        session.rollback()
        session.close()


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


async def client_key(request: Request) -> str:
    """The sender's address as rate limits count it: a keyed digest, so the limits' table
    holds no address anyone can read back."""
    settings: Settings = request.app.state.settings
    return address_digest(settings.secret_key, client_ip(request))


async def audit_labels(request: Request) -> Mapping[str, str]:
    """The Chinese name of each audit action (`publisher.wiring.audit_action_labels`)."""
    labels: Mapping[str, str] = request.app.state.audit_labels
    return labels


SettingsDep = Annotated[Settings, Depends(get_settings)]
AuditLabels = Annotated[Mapping[str, str], Depends(audit_labels)]
DbSession = Annotated[Session, Depends(get_db)]
DbEngine = Annotated[Engine, Depends(get_engine)]
Blobs = Annotated[BlobStore, Depends(get_blobs)]
DatabaseBlobs = Annotated[BlobStore, Depends(get_database_blobs)]
ClientKey = Annotated[str, Depends(client_key)]

#: An object id in a path: validated at the edge so that an absurd number is a 422, never a
#: database overflow (ids are 32-bit on PostgreSQL).
MAX_ID = 2_147_483_647
IdPath = Annotated[int, Path(ge=1, le=MAX_ID)]
IdQuery = Annotated[int | None, Query(ge=1, le=MAX_ID)]
#: a day in a filter: bounded, so that a far date is a clear 422 and never an arithmetic
#: overflow in the query (`9999-12-31` plus one day, `0001-01-01` in UTC)
FIRST_DAY, LAST_DAY = dt.date(1900, 1, 1), dt.date(2999, 12, 31)


#: an optional day of a filter, within FIRST_DAY..LAST_DAY (422 outside)
Day = Annotated[dt.date, Field(ge=FIRST_DAY, le=LAST_DAY)]


#: a page of a paged list (1-based), and how many rows an API page may ask for
PageQuery = Annotated[int, Query(ge=1, le=100_000, description="1-based page number")]
PerPageQuery = Annotated[int, Query(ge=1, le=500, description="rows per page (at most 500)")]


def current_time(request: Request) -> dt.datetime:
    """The one clock of the web layer: `app.state.clock` when set (tests move it instead of
    sleeping), else the system's. Everything time decides — a notice becoming public, a window
    opening or closing — is decided from it at read time, so no scheduler is needed."""
    clock: Callable[[], dt.datetime] | None = getattr(request.app.state, "clock", None)
    return clock() if clock is not None else now_utc()


def work_calendar(request: Request) -> WorkCalendar:
    """The folder's years and those installed in the database, as this process last saw them
    (the database is asked every `calendar_check_seconds`, so an install in another process
    is seen without a restart)."""
    source: CalendarSource = request.app.state.calendar_source
    return source.current()


def rule_book(request: Request) -> RuleBook:
    """The rules as configured (counting per rule, leads per kind) over the current calendar."""
    settings: Settings = request.app.state.settings
    return RuleBook.of(work_calendar(request), **settings.rule_options())


async def _request_time(request: Request) -> dt.datetime:
    return current_time(request)


Now = Annotated[dt.datetime, Depends(_request_time)]
Rules = Annotated[RuleBook, Depends(rule_book)]

#: An object id inside a request body, bounded like `IdPath`.
IdField = Annotated[int, Field(ge=1, le=MAX_ID)]
