"""The audit log: append-only; written in the same transaction as the action it records."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from publisher.spreadsheets import neutralise_formula
from publisher.staff.models import AuditEvent
from publisher.staff.principal import StaffPrincipal
from publisher.timeutil import to_local

CSV_COLUMNS = [
    "id",
    "occurred_at_utc",
    "occurred_at_local",
    "actor",
    "via",
    "action",
    "object_type",
    "object_id",
    "ip_address",
    "details",
]


def record(
    session: Session,
    actor: StaffPrincipal,
    action: str,
    object_type: str,
    object_id: object,
    **details: Any,
) -> AuditEvent:
    """Add an entry; the caller's commit makes the action and its record durable together."""
    event = AuditEvent(
        actor_id=actor.account_id,
        actor_name=actor.username,
        via=actor.via,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        ip_address=actor.ip_address,
        details=json.dumps(details, ensure_ascii=False, sort_keys=True, default=str),
    )
    session.add(event)
    return event


def recent(
    session: Session,
    limit: int = 200,
    before_id: int | None = None,
    action: str | None = None,
) -> Sequence[AuditEvent]:
    query = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit)
    if before_id is not None:
        query = query.where(AuditEvent.id < before_id)
    if action:
        query = query.where(AuditEvent.action == action)
    return session.scalars(query).all()


def export_csv(session: Session) -> str:
    """The whole log as CSV for a spreadsheet: with the byte-order mark, like every staff
    export, so that Excel reads the Chinese in it (`publisher.spreadsheets`)."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for event in session.scalars(select(AuditEvent).order_by(AuditEvent.id)).yield_per(500):
        cells = (
            event.id,
            event.occurred_at.isoformat(),
            to_local(event.occurred_at).isoformat(),
            event.actor_name,
            event.via,
            event.action,
            event.object_type,
            event.object_id,
            event.ip_address,
            event.details,
        )
        # a reason typed by staff may start like a formula: never let it run (CSV injection)
        writer.writerow([neutralise_formula(c) if isinstance(c, str) else c for c in cells])
    return buffer.getvalue()
