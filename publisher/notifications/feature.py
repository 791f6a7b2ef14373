"""The notification outbox as the service wires it: its staff page and API, its failures in
the staff work queue."""

from __future__ import annotations

from pathlib import Path

from publisher.feature import Feature
from publisher.notifications.queues import WORK_QUEUES
from publisher.notifications.retention import OUTBOX_RECIPIENTS
from publisher.notifications.web import follow_pages, staff_api, staff_pages

FEATURE = Feature(
    name="notifications",
    routers=(staff_api.router, staff_pages.router, follow_pages.router),
    templates=Path(__file__).resolve().parent / "web" / "templates",
    retention=(OUTBOX_RECIPIENTS,),
    audit_actions={"notification.retry": "重新发送通知"},
    work_queues=WORK_QUEUES,
)
