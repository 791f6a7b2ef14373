"""Rows planted straight into the tables, for tests that read many of them (the work queue,
statement counts): a draft, a comment, a notice, an application, an opinion, an outbox failure.
Each takes the columns to override."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from sqlalchemy.orm import Session

from consultation.models import Comment, ConsultationDraft
from publisher.meetings.models import MeetingApplication, MeetingNotice, RepresentativeOpinion
from publisher.notifications.models import OutboxMessage
from tests.support.clock import local

_serial = itertools.count(1)


def draft(session: Session, title: str, closes_at: dt.datetime, **extra: Any) -> ConsultationDraft:
    values: dict[str, Any] = {
        "title": title,
        "draft_text": "第一条 正文。",
        "basis_text": "依据",
        "profile": "city",
        "opens_at": local(2026, 11, 23, 9, 0),
        "closes_at": closes_at,
        "published_at": local(2026, 11, 23, 9, 0),
        "created_by": "editor",
    }
    values.update(extra)
    draft = ConsultationDraft(**values)
    session.add(draft)
    session.flush()
    return draft


def comment(session: Session, draft: ConsultationDraft, **extra: Any) -> Comment:
    n = next(_serial)
    values: dict[str, Any] = {
        "draft_id": draft.id,
        "receipt_code": f"YJ-T{n:08d}",
        "channel": "web",
        "body": f"意见{n}",
        "text_hash": f"{n:064d}",
        "submitted_at": local(2026, 11, 24, 9, 0) + dt.timedelta(minutes=n),
    }
    values.update(extra)
    comment = Comment(**values)
    session.add(comment)
    return comment


def notice(session: Session, title: str, starts_at: dt.datetime, **extra: Any) -> MeetingNotice:
    values: dict[str, Any] = {
        "kind": "executive",
        "title": title,
        "starts_at": starts_at,
        "created_by": "editor",
    }
    values.update(extra)
    notice = MeetingNotice(**values)
    session.add(notice)
    session.flush()
    return notice


def application(session: Session, notice: MeetingNotice, status: str) -> MeetingApplication:
    n = next(_serial)
    application = MeetingApplication(
        notice_id=notice.id,
        receipt_code=f"CH-T{n:08d}",
        applicant_name=f"申请人{n}",
        phone=f"139{n:08d}",
        category="citizen",
        status=status,
        created_at=local(2026, 11, 25, 9, 0) + dt.timedelta(minutes=n),
    )
    session.add(application)
    session.flush()
    return application


def opinion(
    session: Session, application: MeetingApplication, *, answered: bool = False
) -> RepresentativeOpinion:
    opinion = RepresentativeOpinion(
        application_id=application.id,
        body="建议增加公交线路。",
        recorded_by="representative",
        created_at=local(2026, 11, 25, 10, 0),
        department="市交通运输局",
        assigned_at=local(2026, 11, 26, 10, 0),
        answer="已采纳。" if answered else None,
        answered_at=local(2026, 11, 27, 10, 0) if answered else None,
    )
    session.add(opinion)
    return opinion


def failed(session: Session, status: str = "failed") -> None:
    session.add(
        OutboxMessage(
            event="consultation.comment.received",
            channel="email",
            recipient="z***@example.cn",
            context="{}",
            status=status,
            created_at=local(2026, 11, 30, 9, 0),
        )
    )
