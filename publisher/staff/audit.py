"""The audit log: append-only; written in the same transaction as the action it records."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from publisher.spreadsheets import neutralise_formula
from publisher.staff.models import AuditEvent
from publisher.staff.principal import StaffPrincipal
from publisher.timeutil import to_local

#: the platform's own actions; each feature names its own in its manifest (`audit_actions`)
PLATFORM_ACTIONS: dict[str, str] = {
    "staff.create": "新建账号",
    "staff.activate": "启用账号",
    "staff.deactivate": "停用账号",
    "staff.set_password": "设置密码",
    "staff.sign_in": "登录",
    "staff.sign_in_failed": "登录失败",
    "staff.sign_out": "退出登录",
    "token.create": "创建 API 令牌",
    "token.revoke": "吊销 API 令牌",
    "calendar.install": "安装工作日历",
    "document.status": "标注公报文件有效性",
}
UNKNOWN_ACCOUNT = "（不存在的账号）"

CSV_COLUMNS = [
    "id",
    "occurred_at_utc",
    "occurred_at_local",
    "actor",
    "via",
    "action",
    "action_zh",
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


def record_failed_sign_in(
    session: Session, account_id: int | None, username: str, ip_address: str
) -> AuditEvent:
    """A wrong password, in the same unit as the failure's throttle counts.

    A name that is no account is not kept: people type their password into the wrong box.
    """
    event = AuditEvent(
        actor_id=account_id,
        actor_name=username if account_id is not None else UNKNOWN_ACCOUNT,
        via="session",
        action="staff.sign_in_failed",
        object_type="staff_account",
        object_id=str(account_id) if account_id is not None else "-",
        ip_address=ip_address,
        details="{}",
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


def export_csv(session: Session, labels: Mapping[str, str]) -> str:
    """The whole log as CSV for a spreadsheet: with the byte-order mark, like every staff
    export, so that Excel reads the Chinese in it (`publisher.spreadsheets`); `labels` names
    the actions in Chinese."""
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
            labels.get(event.action, event.action),
            event.object_type,
            event.object_id,
            event.ip_address,
            event.details,
        )
        # a reason typed by staff may start like a formula: never let it run (CSV injection)
        writer.writerow([neutralise_formula(c) if isinstance(c, str) else c for c in cells])
    return buffer.getvalue()
