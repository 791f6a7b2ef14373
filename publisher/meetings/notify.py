"""What applicants are told, through the outbox: the variables of their messages and the
people a change to a meeting concerns (docs/notifications.md)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from publisher.meetings.models import MeetingApplication, MeetingNotice
from publisher.meetings.vocabulary import HOLDS_PLACE, ApplicationStatus
from publisher.notifications.outbox import Contact, enqueue, fan_out
from publisher.timeutil import format_local


def application_context(application: MeetingApplication) -> dict[str, str]:
    """The variables of every message to an applicant (no personal data)."""
    notice = application.notice
    return {
        "title": notice.title,
        "when": format_local(notice.starts_at) if notice.starts_at else "",
        "place": notice.place,
        "receipt": application.receipt_code,
        "link": f"/a/{application.receipt_code}",
    }


def tell_applicant(
    session: Session,
    application: MeetingApplication,
    event: str,
    now: dt.datetime,
    **extra: str,
) -> int:
    """Put `event`'s message to the applicant in the outbox (e-mail and/or SMS)."""
    contact = Contact(application.email, application.phone)
    context = application_context(application) | extra
    return enqueue(session, event, contact, context, now)


def tell_attendees(
    session: Session, notice: MeetingNotice, event: str, now: dt.datetime, **extra: str
) -> int:
    """Tell everyone a change to the meeting still concerns: applicants holding a place or
    waiting for one."""
    concerned = session.scalars(
        select(MeetingApplication)
        .where(
            MeetingApplication.notice_id == notice.id,
            MeetingApplication.status.in_(HOLDS_PLACE | {ApplicationStatus.WAITLISTED.value}),
            MeetingApplication.contact_erased_at.is_(None),
        )
        .order_by(MeetingApplication.id)
    ).all()
    people = [(Contact(a.email, a.phone), application_context(a) | extra) for a in concerned]
    return fan_out(session, event, people, now)
