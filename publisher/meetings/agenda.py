"""Staff edit a notice's agenda items (主要内容): the list replaces the one before, in one
unit; on a published notice the change goes into its public history and raises the calendar
event's SEQUENCE like any change to what the notice announces."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from publisher.meetings.agenda_items import ItemInput, checked, numbered_text, replace_items
from publisher.meetings.models import MeetingNotice
from publisher.meetings.notices import (
    apply_changes,
    get_notice,
    refuse_if_ended,
    require_publishable,
)
from publisher.staff import audit
from publisher.staff.principal import StaffPrincipal
from publisher.storage.db import unit_of_work


@unit_of_work
def set_agenda(
    session: Session,
    principal: StaffPrincipal,
    notice_id: int,
    items: list[ItemInput],
    now: dt.datetime,
    reason: str = "",
) -> MeetingNotice:
    """Replace the notice's agenda items; nothing changes when the list is the same."""
    notice = get_notice(session, notice_id)
    refuse_if_ended(notice)
    clean = checked(items)
    text = numbered_text(clean)
    if text == notice.agenda:
        return notice
    before = notice.agenda
    notice.agenda = text
    try:
        if notice.published_at is not None:
            require_publishable(notice)
    finally:
        notice.agenda = before
    diff = apply_changes(session, notice, {"agenda": text}, now, reason.strip())
    replace_items(notice, clean)
    audit.record(
        session,
        principal,
        "meeting.agenda",
        "meeting_notice",
        notice.id,
        items=len(clean),
        changes=diff,
        reason=reason,
    )
    return notice
