"""Staff exports of a consultation: every comment with the commenter's contact details (CSV),
or those carrying one staff tag."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.orm import Session

from consultation.comments import comment_queue
from consultation.models import Comment
from consultation.tags import comments_tagged, normalise_tag
from publisher.spreadsheets import excel_csv
from publisher.staff import audit
from publisher.staff.principal import StaffPrincipal
from publisher.storage.db import unit_of_work
from publisher.timeutil import to_local

COMMENT_COLUMNS = [
    "id",
    "receipt_code",
    "channel",
    "submitted_at_local",
    "section",
    "text",
    "name",
    "phone",
    "email",
    "anonymous",
    "consent_publish",
    "flagged_spam",
    "duplicate_of_id",
    "hidden_reason",
    "disposition",
    "answer",
    "answered_at_local",
    "contact_erased_at_local",
]


def comments_csv(comments: Iterable[Comment]) -> bytes:
    """UTF-8 with BOM so Excel opens the Chinese text correctly (`publisher.spreadsheets`)."""
    return excel_csv(
        COMMENT_COLUMNS,
        (
            [
                c.id,
                c.receipt_code,
                c.channel,
                to_local(c.submitted_at).isoformat(),
                c.section,
                c.body,
                c.commenter_name or "",
                c.phone or "",
                c.email or "",
                int(c.anonymous),
                int(c.consent_publish),
                int(c.flagged_spam),
                c.duplicate_of_id or "",
                c.hidden_reason or "",
                c.disposition or "",
                c.answer_text or "",
                to_local(c.answered_at).isoformat() if c.answered_at else "",
                to_local(c.contact_erased_at).isoformat() if c.contact_erased_at else "",
            ]
            for c in comments
        ),
    )


@unit_of_work
def export_comments(session: Session, principal: StaffPrincipal, draft_id: int) -> bytes:
    """Staff only, with personal data; the export itself is audited."""
    comments = comment_queue(session, draft_id)
    audit.record(session, principal, "consultation.comments.export", "consultation", draft_id)
    return comments_csv(comments)


@unit_of_work
def export_tagged(session: Session, principal: StaffPrincipal, draft_id: int, tag: str) -> bytes:
    """The comments carrying one staff tag, as `export_comments` (personal data; audited)."""
    tag = normalise_tag(tag)
    comments = comments_tagged(session, draft_id, tag)
    audit.record(
        session, principal, "consultation.comments.export", "consultation", draft_id, tag=tag
    )
    return comments_csv(comments)
