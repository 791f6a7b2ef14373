"""Staff edit a notice's agenda items (主要内容): the list replaces the one before, in one
unit; on a published notice the change goes into its public history and raises the calendar
event's SEQUENCE like any change to what the notice announces.

A file uploaded to an item (PDF or DOCX, checked by content and size like a draft's
attachments, `publisher.blobs.uploads`) is stored as a blob, then added in one unit as a
`MeetingAttachment` row and an `attachment` document of the item linking its download path:
the same change to the agenda as a typed link, recorded and audited alike."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from publisher.blobs.store import BlobStore, StoredBlob
from publisher.blobs.uploads import MAX_TITLE_CHARS, checked_upload, sanitise_filename
from publisher.errors import NotFound, ValidationFailed
from publisher.meetings.agenda_items import (
    DocumentInput,
    ItemInput,
    checked,
    current_items,
    numbered_text,
    replace_items,
)
from publisher.meetings.models import AgendaDocument, AgendaItem, MeetingAttachment, MeetingNotice
from publisher.meetings.notices import (
    apply_changes,
    get_notice,
    get_public_notice,
    refuse_if_ended,
    require_publishable,
)
from publisher.meetings.vocabulary import DocumentKind, NoticeStatus
from publisher.staff import audit
from publisher.staff.principal import StaffPrincipal
from publisher.storage.db import unit_of_work, write_unit


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
    _replace_agenda(session, principal, notice, items, now, reason)
    return notice


def _replace_agenda(
    session: Session,
    principal: StaffPrincipal,
    notice: MeetingNotice,
    items: list[ItemInput],
    now: dt.datetime,
    reason: str,
) -> None:
    refuse_if_ended(notice)
    clean = checked(items)
    text = numbered_text(clean)
    if text == notice.agenda:
        return
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


def _item_index(notice: MeetingNotice, number: int) -> int:
    if not 1 <= number <= len(notice.agenda_items):
        raise NotFound(f"The meeting has no agenda item {number}.", f"该会议没有第{number}项议题。")
    return number - 1


def attach_file(
    session: Session,
    principal: StaffPrincipal,
    notice_id: int,
    item_number: int,
    title: str,
    filename: str,
    data: bytes,
    *,
    blobs: BlobStore,
    max_bytes: int,
    now: dt.datetime,
    reason: str = "",
) -> MeetingAttachment:
    """Check the file, store its bytes, then in one unit add its row and link it from the
    item. Every refusal comes before the bytes are stored; one inside the unit (the item
    gone meanwhile, too many documents) writes no row."""
    title = (title or "").strip()
    if not title or len(title) > MAX_TITLE_CHARS:
        raise ValidationFailed(
            f"title: required, at most {MAX_TITLE_CHARS} characters",
            f"请填写文件名称（不超过{MAX_TITLE_CHARS}字）",
            field="title",
        )
    media_type = checked_upload(data, max_bytes)
    notice = get_notice(session, notice_id)
    refuse_if_ended(notice)
    _item_index(notice, item_number)
    digest = blobs.put(data)
    with write_unit(session):
        notice = get_notice(session, notice_id)
        index = _item_index(notice, item_number)
        attachment = MeetingAttachment(
            notice_id=notice.id,
            title=title,
            filename=sanitise_filename(filename, media_type),
            media_type=media_type,
            size=len(data),
            sha256=digest,
            uploaded_at=now,
            uploaded_by=principal.username,
        )
        session.add(attachment)
        session.flush()
        items = current_items(notice)
        items[index].documents.append(
            DocumentInput(DocumentKind.ATTACHMENT, title, attachment.path())
        )
        _replace_agenda(session, principal, notice, items, now, reason)
        audit.record(
            session,
            principal,
            "meeting.attachment_add",
            "meeting_attachment",
            attachment.id,
            notice_id=notice.id,
            item=item_number,
            title=title,
            filename=attachment.filename,
            media_type=media_type,
            size=len(data),
            sha256=digest,
        )
    return attachment


def get_public_attachment(
    session: Session, notice_id: int, attachment_id: int, now: dt.datetime
) -> MeetingAttachment:
    """404 unless the notice is public and one of its items links the file now (a file
    unlinked by a later edit of the agenda is no longer published)."""
    notice = get_public_notice(session, notice_id, now)
    attachment = session.get(MeetingAttachment, attachment_id)
    missing = NotFound(f"No attachment {attachment_id}.", f"未找到编号为{attachment_id}的文件。")
    withdrawn = notice.status == NoticeStatus.WITHDRAWN.value
    if attachment is None or attachment.notice_id != notice.id or withdrawn:
        raise missing
    linked = session.scalar(
        select(AgendaDocument.id)
        .join(AgendaItem, AgendaDocument.item_id == AgendaItem.id)
        .where(AgendaItem.notice_id == notice.id, AgendaDocument.url == attachment.path())
        .limit(1)
    )
    if linked is None:
        raise missing
    return attachment


def open_blob(blobs: BlobStore, attachment: MeetingAttachment) -> StoredBlob:
    found = blobs.find(attachment.sha256)
    if found is None:
        raise NotFound("The file is not available.", "文件暂时无法提供，请稍后再试。")
    return found
