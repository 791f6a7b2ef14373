"""How long attendance applications keep their personal data.

An application's contact details serve one purpose: deciding on it and telling the applicant.
Both are over once the meeting has taken place, so 180 days after the meeting (time enough for
questions about the decision or the opinions) the phone number and e-mail address of every
applicant are erased. The names and statements of those not admitted go too; the names of
admitted representatives stay with their opinions, which are part of the meeting's record
(第七–八条) — see docs/privacy.md.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from publisher.meetings.models import MeetingApplication, MeetingNotice
from publisher.meetings.vocabulary import ApplicationStatus
from publisher.retention import RetentionRule

CONTACT_DAYS_AFTER_MEETING = 180


def erase_applicant_contacts(session: Session, now: dt.datetime) -> int:
    """Erase what is due; returns how many applications were erased."""
    cutoff = now - dt.timedelta(days=CONTACT_DAYS_AFTER_MEETING)
    meeting_over = func.coalesce(
        MeetingNotice.ends_at, MeetingNotice.starts_at, MeetingNotice.created_at
    )
    due = (
        MeetingApplication.notice_id.in_(select(MeetingNotice.id).where(meeting_over <= cutoff)),
        MeetingApplication.contact_erased_at.is_(None),
    )
    session.execute(
        update(MeetingApplication)
        .where(*due, MeetingApplication.status != ApplicationStatus.APPROVED.value)
        .values(applicant_name="", statement="")
    )
    erased = session.execute(
        update(MeetingApplication).where(*due).values(phone=None, email=None, contact_erased_at=now)
    )
    return int(getattr(erased, "rowcount", 0) or 0)


APPLICANT_CONTACTS = RetentionRule(
    name="applicant-contacts",
    description=(
        f"applicants' phone and e-mail {CONTACT_DAYS_AFTER_MEETING} days after the meeting "
        "(names and statements too, unless admitted)"
    ),
    erase=erase_applicant_contacts,
)
