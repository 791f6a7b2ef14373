"""Public pages in Simplified Chinese: the list, a draft with its comment form, receipts."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, File, Form, Path, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from consultation import attachments, comment_attachments, comments, drafts, following
from consultation.article_views import closed_loop, draft_articles
from consultation.models import (
    Comment,
    CommentAttachment,
    CommentPublication,
    ConsultationAttachment,
    ConsultationDraft,
    DraftVersion,
    OutcomeLink,
    WindowExtension,
)
from consultation.outcomes import outcomes_of
from consultation.responses import count_published
from consultation.summary import adoption_summary
from consultation.versions import MAX_QUOTE_CHARS
from consultation.vocabulary import Channel, Disposition, WindowState
from consultation.web.comment_uploads import chosen, limits_shown, read_files
from consultation.web.schemas import AttachmentOut, comment_status, rule_zh
from publisher.errors import NotFound, PublisherError
from publisher.notifications.web.follow_pages import topic_page
from publisher.privacy import mask_personal_text
from publisher.settings import Settings
from publisher.web.caching import personal
from publisher.web.deps import (
    Blobs,
    ClientKey,
    DatabaseBlobs,
    DbSession,
    IdPath,
    Now,
    SettingsDep,
)
from publisher.web.errors import status_for, with_retry_after
from publisher.web.forms import checked
from publisher.web.links import linking_records
from publisher.web.memory import (
    RenderedPage,
    answers_from_memory,
    memory_form_page,
    memory_page,
    new_form_token,
    page_hit,
)
from publisher.web.render import page
from publisher.web.responses import blob_download

router = APIRouter(tags=["consultation pages"], include_in_schema=False)

_ALL = "有新的征求意见发布、征求意见期延长或意见采纳情况公布"
_DEPARTMENT = "该部门有新的征求意见发布、征求意见期延长或意见采纳情况公布"


# before /consultations/{draft_id}, which would take "follow" for a number
@router.get("/consultations/follow", response_class=HTMLResponse)
def follow_all_form(request: Request, db: DbSession, now: Now) -> HTMLResponse:
    return topic_page(request, db, now, lambda s: following.ALL_CONSULTATIONS, what=_ALL)


@router.post("/consultations/follow", response_class=HTMLResponse)
def follow_all(
    request: Request,
    db: DbSession,
    now: Now,
    requester: ClientKey,
    email: Annotated[str, Form(max_length=1000)] = "",
) -> HTMLResponse:
    return topic_page(
        request,
        db,
        now,
        lambda s: following.ALL_CONSULTATIONS,
        what=_ALL,
        email=email,
        requester=requester,
    )


DepartmentQuery = Annotated[str, Query(max_length=200)]


@router.get("/consultations/department/follow", response_class=HTMLResponse)
def follow_department_form(
    request: Request, db: DbSession, now: Now, name: DepartmentQuery = ""
) -> HTMLResponse:
    if not name:  # which department? those that have published a consultation
        choices = [
            (f"关注{d}的征求意见", f"/consultations/department/follow?name={quote(d)}")
            for d in following.departments(db, now)
        ]
        return page(request, "follow/follow.html", step="choose", choices=choices)
    return topic_page(
        request, db, now, lambda s: following.department_topic(s, name, now), what=_DEPARTMENT
    )


@router.post("/consultations/department/follow", response_class=HTMLResponse)
def follow_department(
    request: Request,
    db: DbSession,
    now: Now,
    requester: ClientKey,
    name: DepartmentQuery = "",
    email: Annotated[str, Form(max_length=1000)] = "",
) -> HTMLResponse:
    return topic_page(
        request,
        db,
        now,
        lambda s: following.department_topic(s, name, now),
        what=_DEPARTMENT,
        email=email,
        requester=requester,
    )


#: the tracked tables the public list reads
LIST_WATCHES = tuple(
    model.__tablename__
    for model in (ConsultationDraft, WindowExtension, ConsultationAttachment, OutcomeLink)
)


@router.get("/consultations", response_class=HTMLResponse)
async def consultations_page(request: Request) -> Response:
    """Kept in memory until the drafts' tables change or time alone changes the list (a draft
    published at a set time appears, a window opens or closes: `publisher.web.memory`)."""

    def render(db: Session, now: dt.datetime) -> RenderedPage:
        groups: dict[str, list[ConsultationDraft]] = {s.value: [] for s in WindowState}
        for draft in drafts.list_public_drafts(db, now):
            groups[drafts.window_state(draft, now).value].append(draft)
        response = page(request, "consultations/list.html", groups=groups, states=WindowState)
        return RenderedPage(response, *drafts.list_steady(db, now))

    return await memory_page(request, "consultations.list", LIST_WATCHES, render)


answers_from_memory(consultations_page, page_hit("consultations.list", LIST_WATCHES))


def _refused(
    request: Request,
    db: Session,
    draft_id: int,
    now: dt.datetime,
    refusal: PublisherError,
    *,
    error: str | None = None,
    form: dict[str, Any] | None = None,
    follow_error: str | None = None,
) -> HTMLResponse:
    """The draft's page again, saying what was refused where it was asked (with the form as
    filled in, and a new token: the refused submission stored nothing)."""
    draft = drafts.get_public_draft(db, draft_id, now)
    shown = _detail_of(
        request,
        db,
        draft,
        now,
        new_form_token(),
        status=status_for(refusal),
        error=error,
        form=form,
        follow_error=follow_error,
    )
    return with_retry_after(shown, refusal)


def _detail_of(
    request: Request,
    db: Session,
    draft: ConsultationDraft,
    now: dt.datetime,
    form_token: str,
    *,
    status: int = 200,
    error: str | None = None,
    form: dict[str, Any] | None = None,
    follow_error: str | None = None,
    version: int | None = None,
) -> HTMLResponse:
    return page(
        request,
        "consultations/detail.html",
        status=status,
        draft=draft,
        state=drafts.window_state(draft, now),
        rule_zh=rule_zh(draft.profile),
        summary=adoption_summary(db, draft),
        outcomes=outcomes_of(draft),  # the decision as issued and its 解读 (第七条)
        attachments=AttachmentOut.list_of(db, draft.id),
        form_token=form_token,  # a double submission is one comment
        error=error,
        form=form or {},
        follow_error=follow_error,
        max_chars=comments.MAX_COMMENT_CHARS,
        file_limits=limits_shown(request.app.state.settings),
        view=draft_articles(db, draft, version),
        closing=closed_loop(db, draft),
        max_quote_chars=MAX_QUOTE_CHARS,
        published_total=count_published(db, draft.id),
        meetings=linking_records(request, db, f"/consultations/{draft.id}", now),
    )


#: the tables a draft's page reads besides what links to it (`Feature.page_link_tables`): the
#: draft's own (tracked); the comments, their published text and files and the versions are
#: counted by each process alone (the comment intake pays for no generation row)
DETAIL_WATCHES = tuple(
    model.__tablename__
    for model in (
        ConsultationDraft,
        WindowExtension,
        ConsultationAttachment,
        OutcomeLink,
        DraftVersion,
        Comment,
        CommentPublication,
        CommentAttachment,
    )
)
#: where each answer's own form token goes in the page kept in memory
_FORM_TOKEN_SLOT = f"form-token-{secrets.token_hex(16)}"


@router.get("/consultations/{draft_id}", response_class=HTMLResponse)
@personal  # its form carries its own idempotency token
async def consultation_page(
    request: Request,
    draft_id: IdPath,
    version: Annotated[int | None, Query(ge=1, le=10_000)] = None,
    article: Annotated[str, Query(max_length=20)] = "",
) -> Response:
    """`?version=` shows an earlier version with the comments made on it; `?article=a3` (the
    per-article link, no JavaScript needed) chooses that article in the comment form.

    The page without a query is kept in memory without its form's token (each answer gets a
    new one) until the draft's tables change or time alone changes it (the window opening or
    closing). Comments are counted by each process alone: this process's show at once,
    another's within the check interval, after which the page is re-read (#15: a campaign
    reads this page before each comment; rendered per request it served 200 a second)."""
    settings: Settings = request.app.state.settings

    def render(db: Session, now: dt.datetime) -> RenderedPage:
        draft = drafts.get_public_draft(db, draft_id, now)
        form = {"article": article}
        response = _detail_of(request, db, draft, now, _FORM_TOKEN_SLOT, form=form, version=version)
        valid_from, valid_until = drafts.page_steady(draft, now)
        return RenderedPage(response, valid_from, valid_until, settings.cache_check_seconds)

    name = f"consultations.detail.{draft_id}"
    watches = DETAIL_WATCHES + request.app.state.page_link_tables
    return await memory_form_page(request, name, watches, render, _FORM_TOKEN_SLOT)


@router.get("/consultations/{draft_id}/attachments/{attachment_id}")
def download_attachment(
    request: Request,
    draft_id: IdPath,
    attachment_id: IdPath,
    db: DbSession,
    now: Now,
    blobs: Blobs,
) -> Response:
    """The original bytes, as uploaded; always a download, never rendered inline."""
    attachment = attachments.get_public_attachment(db, draft_id, attachment_id, now)
    blob = attachments.open_blob(blobs, attachment)
    return blob_download(request, blob, attachment.media_type, attachment.filename)


@router.get("/consultations/{draft_id}/comment-attachments/{file_id}")
def download_comment_attachment(
    request: Request,
    draft_id: IdPath,
    file_id: IdPath,
    db: DbSession,
    now: Now,
    blobs: DatabaseBlobs,
) -> Response:
    """A file of a published comment that staff approved, under its neutral public name;
    404 for any other (not approved, not published, withdrawn, secret draft)."""
    attachment = comment_attachments.get_public_file(db, draft_id, file_id, now)
    blob = comment_attachments.open_file(blobs, attachment)
    name = comment_attachments.public_name(attachment)
    return blob_download(request, blob, attachment.media_type, name)


@router.get(
    "/consultations/{draft_id}/attachments/{attachment_id}/text", response_class=HTMLResponse
)
def attachment_text_page(
    request: Request,
    draft_id: IdPath,
    attachment_id: IdPath,
    db: DbSession,
    now: Now,
    page_number: Annotated[int, Query(alias="page", ge=1, le=10_000)] = 1,
) -> HTMLResponse:
    """The extracted text for reading on a phone, in pages; says so when there is none (a
    scan) and when it stops before the original's end."""
    attachment = attachments.get_public_attachment(db, draft_id, attachment_id, now)
    draft = drafts.get_public_draft(db, draft_id, now)
    pages = attachments.text_pages(attachment.text)
    if page_number > max(len(pages), 1):
        raise NotFound(
            f"The text has {len(pages)} pages.",
            f"该文字版共{len(pages)}页，没有第{page_number}页。",
        )
    return page(
        request,
        "consultations/attachment_text.html",
        draft=draft,
        attachment=AttachmentOut.of(attachment, bool(pages)),
        paragraphs=pages[page_number - 1] if pages else [],
        page_number=page_number,
        page_count=len(pages),
        max_text_chars=attachments.MAX_TEXT_CHARS,
        no_text=attachments.NO_TEXT_ZH,
    )


@router.post("/consultations/{draft_id}/comments", response_class=HTMLResponse)
def comment_form(
    request: Request,
    draft_id: IdPath,
    db: DbSession,
    now: Now,
    requester: ClientKey,
    settings: SettingsDep,
    text: Annotated[str, Form(max_length=20000)] = "",
    section: Annotated[str, Form(max_length=1000)] = "",
    name: Annotated[str, Form(max_length=1000)] = "",
    phone: Annotated[str, Form(max_length=1000)] = "",
    email: Annotated[str, Form(max_length=1000)] = "",
    anonymous: Annotated[str, Form(max_length=10)] = "",
    consent_publish: Annotated[str, Form(max_length=10)] = "",
    website: Annotated[str, Form(max_length=1000)] = "",
    form_token: Annotated[str, Form(max_length=100)] = "",
    article: Annotated[str, Form(max_length=20)] = "",
    quote: Annotated[str, Form(max_length=2000)] = "",
    files: Annotated[list[UploadFile] | None, File()] = None,
) -> HTMLResponse:
    """On refusal the page comes back with everything the person typed, never emptied (a
    browser cannot refill a file field: the page asks for the files again)."""
    data = comments.CommentInput(
        article=article,
        quote=quote,
        text=text,
        section=section,
        name=name,
        phone=phone,
        email=email,
        anonymous=checked(anonymous),
        consent_publish=checked(consent_publish),
        honeypot=website,
    )
    try:
        clean = read_files(files, settings)  # checked and cleaned before the comment's unit
        comment, _ = comments.submit_comment(
            db,
            draft_id,
            data,
            now,
            requester=requester,
            channel=Channel.WEB,
            idempotency_key=form_token or None,
            files=clean,
        )
    except NotFound:
        raise
    except PublisherError as exc:
        form = {
            "text": text,
            "section": section,
            "name": name,
            "phone": phone,
            "email": email,
            "anonymous": checked(anonymous),
            "consent_publish": checked(consent_publish),
            "article": article,
            "quote": quote,
            "had_files": bool(chosen(files)),
        }
        return _refused(request, db, draft_id, now, exc, error=exc.message_zh, form=form)
    return page(
        request,
        "consultations/receipt.html",
        comment=comment,
        draft=comment.draft,
        file_count=len(comment_attachments.attachments_of(db, comment.id)),
    )


@router.post("/consultations/{draft_id}/follow", response_class=HTMLResponse)
def follow_form(
    request: Request,
    draft_id: IdPath,
    db: DbSession,
    now: Now,
    requester: ClientKey,
    email: Annotated[str, Form(max_length=1000)] = "",
) -> HTMLResponse:
    """The same answer whether or not the address already follows (docs/notifications.md)."""
    try:
        topic = following.follow(db, draft_id, email, now, requester=requester)
    except NotFound:
        raise
    except PublisherError as exc:
        return _refused(request, db, draft_id, now, exc, follow_error=exc.message_zh)
    return page(request, "follow/follow.html", step="asked", topic=topic)


def _comment_status(
    request: Request, db: DbSession, code: str, requester: str, now: dt.datetime
) -> HTMLResponse:
    try:
        comment = comments.comment_by_receipt(db, code, requester=requester, now=now)
    except PublisherError as exc:
        refused = page(
            request,
            "consultations/status.html",
            status=status_for(exc),
            comment=None,
            code=code,
            error=exc.message_zh,
        )
        return with_retry_after(refused, exc)
    state, status_zh = comment_status(comment)
    return page(
        request,
        "consultations/status.html",
        comment=comment,
        code=comment.receipt_code,
        comment_state=state,
        status_zh=status_zh,
        text=mask_personal_text(comment.body),
        answer=mask_personal_text(comment.answer_text or ""),
        disposition_zh=Disposition(comment.disposition).label_zh if comment.disposition else None,
    )


@router.get("/c/{code}", response_class=HTMLResponse)
@personal  # the link carries a receipt code
def comment_short_link(
    request: Request,
    db: DbSession,
    now: Now,
    requester: ClientKey,
    code: Annotated[str, Path(max_length=40)],
) -> HTMLResponse:
    """The short link in a commenter's e-mail and SMS: the status of that receipt code."""
    return _comment_status(request, db, code, requester, now)


@router.get("/comments/status", response_class=HTMLResponse)
def comment_status_form(
    request: Request, code: Annotated[str, Query(max_length=40)] = ""
) -> HTMLResponse:
    """The lookup form. The code is sent by POST, so that it stays out of access logs; an old
    link with ``?code=`` fills the form in and looks nothing up."""
    return page(request, "consultations/status.html", comment=None, code=code)


@router.post("/comments/status", response_class=HTMLResponse)
@personal  # a receipt's status
def comment_status_page(
    request: Request,
    db: DbSession,
    now: Now,
    requester: ClientKey,
    code: Annotated[str, Form(max_length=40)] = "",
) -> HTMLResponse:
    return _comment_status(request, db, code, requester, now)
