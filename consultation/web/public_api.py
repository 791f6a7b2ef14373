"""Public JSON API of consultations: read drafts, send a comment, look up its answer."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Header, Query, Response, UploadFile

from consultation import comments, drafts, listing
from consultation.comments import CommentInput
from consultation.vocabulary import Channel, WindowState
from consultation.web.comment_uploads import read_files
from consultation.web.schemas import (
    CommentIn,
    CommentStatusOut,
    ConsultationDetailOut,
    ConsultationOut,
    ReceiptOut,
)
from publisher.web.caching import personal
from publisher.web.deps import ClientKey, Day, DbEngine, DbSession, IdPath, Now, SettingsDep
from publisher.web.openapi import error_responses
from publisher.web.responses import PagingDep

router = APIRouter(prefix="/api/v1", tags=["consultations"])


@router.get("/consultations", response_model=list[ConsultationOut])
def list_consultations(
    db: DbSession,
    now: Now,
    paging: PagingDep,
    state: WindowState | None = None,
    closes_from: Annotated[Day | None, Query(description="closing on or after")] = None,
    closes_to: Annotated[Day | None, Query(description="closing on or before")] = None,
) -> list[ConsultationOut]:
    """Published consultations, latest closing first, a page at a time (`Link` and
    `X-Total-Count` headers give the others); filter by window state and closing day."""
    filters = listing.DraftFilter(state, closes_from, closes_to)
    found = listing.public_drafts_page(db, now, filters, paging.offset, paging.per_page)
    paging.found(found.total)
    return [ConsultationOut.of(d, now) for d in found.rows]


@router.get("/consultations/{draft_id}", response_model=ConsultationDetailOut)
def get_consultation(draft_id: IdPath, db: DbSession, now: Now) -> ConsultationDetailOut:
    """One published consultation: its text, basis and explanation, window and
    extensions, attachments and, once adopted, the summary."""
    draft = drafts.get_public_draft(db, draft_id, now)
    return ConsultationDetailOut.of_detail(db, draft, now)


@router.post(
    "/consultations/{draft_id}/comments",
    response_model=ReceiptOut,
    status_code=201,
    responses={
        200: {"model": ReceiptOut, "description": "A retry with the same `Idempotency-Key`."},
        **error_responses(409, 429),
    },
)
async def submit_comment(
    draft_id: IdPath,
    body: CommentIn,
    response: Response,
    engine: DbEngine,
    now: Now,
    requester: ClientKey,
    idempotency_key: Annotated[str | None, Header(max_length=100)] = None,
) -> ReceiptOut:
    """201 with a receipt code once the comment is committed; a retry with the same
    `Idempotency-Key` returns 200 and the same receipt, storing nothing twice."""
    # async: the request waits for its batch's COMMIT without holding a thread (#15)
    comment, created = await comments.receive_comment(
        engine,
        draft_id,
        body.to_input(),
        now,
        requester=requester,
        channel=Channel.API,
        idempotency_key=idempotency_key,
    )
    if not created:
        response.status_code = 200
    return ReceiptOut.of(comment)


@router.post(
    "/consultations/{draft_id}/comments/with-files",
    response_model=ReceiptOut,
    status_code=201,
    responses={
        200: {"model": ReceiptOut, "description": "A retry with the same `Idempotency-Key`."},
        **error_responses(409, 413, 429),
    },
)
def submit_comment_with_files(
    draft_id: IdPath,
    response: Response,
    db: DbSession,
    now: Now,
    requester: ClientKey,
    settings: SettingsDep,
    text: Annotated[str, Form(max_length=20000)],
    section: Annotated[str, Form(max_length=1000)] = "",
    name: Annotated[str, Form(max_length=1000)] = "",
    phone: Annotated[str, Form(max_length=1000)] = "",
    email: Annotated[str, Form(max_length=1000)] = "",
    anonymous: Annotated[bool, Form()] = False,
    consent_publish: Annotated[bool, Form()] = False,
    website: Annotated[str, Form(max_length=1000)] = "",
    article: Annotated[str, Form(max_length=20)] = "",
    quote: Annotated[str, Form(max_length=2000)] = "",
    files: Annotated[list[UploadFile] | None, File()] = None,
    idempotency_key: Annotated[str | None, Header(max_length=100)] = None,
) -> ReceiptOut:
    """The comment as multipart form fields (those of `POST …/comments`) with up to
    `comment_files_max_count` `files` (PDF, DOCX, JPEG, PNG; checked by content, images
    re-encoded without their metadata). A refused file refuses the comment: nothing is
    stored. Files are seen by staff; public only once the comment is published in full and
    staff approve the file."""
    clean = read_files(files, settings)
    data = CommentInput(
        text=text,
        section=section,
        name=name,
        phone=phone,
        email=email,
        anonymous=anonymous,
        consent_publish=consent_publish,
        honeypot=website,
        article=article,
        quote=quote,
    )
    comment, created = comments.submit_comment(
        db,
        draft_id,
        data,
        now,
        requester=requester,
        channel=Channel.API,
        idempotency_key=idempotency_key,
        files=clean,
    )
    if not created:
        response.status_code = 200
    return ReceiptOut.of(comment)


@router.get(
    "/comments/{receipt_code}", response_model=CommentStatusOut, responses=error_responses(429)
)
@personal  # a receipt's status
def comment_status(
    receipt_code: str, db: DbSession, now: Now, requester: ClientKey
) -> CommentStatusOut:
    """A comment's status and answer, by its receipt code. Unknown codes are
    counted per address: too many give 429."""
    comment = comments.comment_by_receipt(db, receipt_code, requester=requester, now=now)
    return CommentStatusOut.of(comment)
