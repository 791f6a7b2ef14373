"""Staff API of the outbox: undelivered messages, and a retry of a failed one (audited)."""

from __future__ import annotations

from fastapi import APIRouter

from publisher.notifications import outbox
from publisher.notifications.web.schemas import OutboxMessageOut
from publisher.web.auth import Editor
from publisher.web.deps import DbSession, IdPath, Now
from publisher.web.openapi import error_responses
from publisher.web.responses import PagingDep

router = APIRouter(prefix="/api/v1/staff/outbox", tags=["staff: notifications"])


@router.get("", response_model=list[OutboxMessageOut])
def list_undelivered(_: Editor, db: DbSession, paging: PagingDep) -> list[OutboxMessageOut]:
    """Messages not delivered yet: failed first, then waiting, oldest first; paged."""
    return [OutboxMessageOut.of(m) for m in paging.take(outbox.undelivered(db))]


@router.post("/{message_id}/retry", response_model=OutboxMessageOut, responses=error_responses(409))
def retry_message(
    message_id: IdPath, principal: Editor, db: DbSession, now: Now
) -> OutboxMessageOut:
    """Put a failed message back in the queue (409 if it is not failed)."""
    return OutboxMessageOut.of(outbox.retry_message(db, principal, message_id, now))
