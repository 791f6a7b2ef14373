"""The ``ingest gazette`` use case: accept only a configured gazette, store its issue without
losing data, then rebuild the open data from the bundled sources, all or nothing (issue #14).

A "北京市人民政府公报 2019年第2号" once replaced Sanmenxia's 2019 No. 2 because an issue was
known by year and number only; here the gazette's title picks a configured source first, and
that source gives the issue its id.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from publisher.documents.store import StoreResult, source_digest, store_issue
from publisher.errors import ValidationFailed
from publisher.gazette import GazetteIssue
from publisher.gazette.text import compact
from publisher.opendata.writer import (
    SOURCES_DIR,
    WriteResult,
    bundle_source,
    identify,
    source_filename,
    write_datasets,
)
from publisher.settings import Settings
from publisher.storage.db import begin_write, make_engine, make_session_factory
from publisher.storage.migrate import upgrade


class GazetteSourceRefused(ValidationFailed):
    """The text is an issue of a gazette that is not configured as a source."""

    code = "gazette_source_refused"


def _title_key(title: str) -> str:
    return compact(title).strip("《》")


def source_slug(title: str, sources: Mapping[str, str]) -> str:
    """The configured slug of the gazette titled ``title``; refused when there is none."""
    key = _title_key(title)
    for configured, slug in sources.items():
        if _title_key(configured) == key:
            return slug
    accepted = "、".join(f"《{t}》" for t in sources)
    raise GazetteSourceRefused(
        f"《{title}》 is not a configured gazette source (accepted: {accepted}); add it to "
        "PUBLISHER_GAZETTE_SOURCES to ingest it",
        f"《{title}》不是已配置的公报来源（已配置：{accepted}）；如需收录，请加入 "
        "PUBLISHER_GAZETTE_SOURCES",
    )


@dataclass(frozen=True)
class IngestOutcome:
    stored: StoreResult
    published: WriteResult | None  # None for a dry run: nothing was written


def ingest_issue(
    session: Session,
    issue: GazetteIssue,
    text: str,
    *,
    sources: Mapping[str, str],
    datasets_dir: Path,
    replace: bool = False,
    dry_run: bool = False,
    now: dt.datetime | None = None,
) -> IngestOutcome:
    """Store the issue and publish the open data; on any refusal nothing is written.

    A dry run computes the same changes (as with ``replace``) and rolls them back.
    """
    slug = source_slug(issue.issue.title, sources)
    identify(issue, slug)
    begin_write(session)
    bundled = datasets_dir / SOURCES_DIR / source_filename(issue, slug)
    previous = bundled.read_bytes() if bundled.exists() else None
    try:
        stored = store_issue(session, issue, source_digest(text), now, replace=replace or dry_run)
        if dry_run:
            session.rollback()
            return IngestOutcome(stored, None)
        bundle_source(datasets_dir, text, issue, slug)
        published = write_datasets(datasets_dir)
        session.commit()
    except BaseException:
        session.rollback()
        if previous is None:
            bundled.unlink(missing_ok=True)
        elif bundled.read_bytes() != previous:
            bundled.write_bytes(previous)
        raise
    return IngestOutcome(stored, published)


def ingest_into_database(
    settings: Settings,
    issue: GazetteIssue,
    text: str,
    *,
    datasets_dir: Path,
    replace: bool = False,
    dry_run: bool = False,
) -> IngestOutcome:
    """For ``publisher ingest gazette``: migrate the configured database, then ingest."""
    engine = make_engine(settings.effective_database_url)
    try:
        upgrade(engine)
        with make_session_factory(engine)() as session:
            return ingest_issue(
                session,
                issue,
                text,
                sources=settings.gazette_sources,
                datasets_dir=datasets_dir,
                replace=replace,
                dry_run=dry_run,
            )
    finally:
        engine.dispose()
