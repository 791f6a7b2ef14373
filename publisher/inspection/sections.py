"""The platform's own sections as the inspectors count them: the gazette's documents and the
open data (the features declare theirs in their manifests)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from publisher.documents.models import GazetteDocument, GazetteIssueRow
from publisher.inspection.model import NOTICE_SECTION, InspectionContext, Section
from publisher.opendata.catalog import load_catalog
from publisher.timeutil import start_of_local_day


def _day(day: dt.date | None) -> dt.datetime | None:
    return start_of_local_day(day) if day is not None else None


def latest_document(ctx: InspectionContext) -> dt.datetime | None:
    """The newest issue's publication day (or, without one, its newest document's date)."""
    issued = ctx.session.scalar(select(func.max(GazetteIssueRow.publication_date)))
    dated = ctx.session.scalar(select(func.max(GazetteDocument.date)))
    return _day(issued or dated)


def latest_dataset(ctx: InspectionContext) -> dt.datetime | None:
    datasets = load_catalog(ctx.settings.datasets_dir, ctx.session, ctx.live_tables)
    days = [d.modified for d in datasets if d.modified is not None]
    return _day(max(days)) if days else None


DOCUMENTS = Section("公报文件", "/documents", NOTICE_SECTION, latest_document)
DATASETS = Section("开放数据", "/datasets", NOTICE_SECTION, latest_dataset)
