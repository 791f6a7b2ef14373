"""Public JSON API of consultations: read drafts, send a comment, look up its answer."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Request, Response

from consultation import service
from consultation.web.common import (
    CommentIn,
    CommentStatusOut,
    ConsultationDetailOut,
    ConsultationOut,
    ReceiptOut,
    consultation_out,
    detail_out,
    status_out,
)
from publisher.timeutil import to_local
from publisher.web.deps import DbSession, IdPath, Now, client_ip

router = APIRouter(prefix="/api/v1", tags=["consultations"])


@router.get("/consultations", response_model=list[ConsultationOut])
def list_consultations(db: DbSession, now: Now) -> list[ConsultationOut]:
    return [consultation_out(d, now) for d in service.list_public_drafts(db, now)]


@router.get("/consultations/{draft_id}", response_model=ConsultationDetailOut)
def get_consultation(draft_id: IdPath, db: DbSession, now: Now) -> ConsultationDetailOut:
    return detail_out(db, service.get_public_draft(db, draft_id, now), now)


@router.post("/consultations/{draft_id}/comments", response_model=ReceiptOut, status_code=201)
def post_comment(
    draft_id: IdPath,
    body: CommentIn,
    request: Request,
    response: Response,
    db: DbSession,
    now: Now,
    idempotency_key: Annotated[str | None, Header(max_length=100)] = None,
) -> ReceiptOut:
    """201 with a receipt code once the comment is committed; a retry with the same
    `Idempotency-Key` returns 200 and the same receipt, storing nothing twice."""
    comment, created = service.submit_comment(
        db,
        draft_id,
        body.to_input(),
        now,
        ip=client_ip(request),
        channel=service.Channel.API,
        idempotency_key=idempotency_key,
    )
    if not created:
        response.status_code = 200
    return ReceiptOut(
        receipt_code=comment.receipt_code,
        consultation_id=comment.draft_id,
        submitted_at=to_local(comment.submitted_at),
        status_url=f"/api/v1/comments/{comment.receipt_code}",
        message_zh="意见已收到。请保存回执编号，凭此查询办理情况和答复。",
    )


@router.get("/comments/{receipt_code}", response_model=CommentStatusOut)
def comment_status(receipt_code: str, db: DbSession) -> CommentStatusOut:
    return status_out(service.get_comment_by_receipt(db, receipt_code))
