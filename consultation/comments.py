"""Comments on a draft (第五条): the public's intake, offline opinions staff record, the
receipt look-up, the staff queue and moderation.

Intake checks the text on the request, then hands one short write to the group writer
(publisher.storage.group_commit): a receipt code is only handed out once the COMMIT holding the
comment is durable; a retry with the same idempotency key returns the first receipt.
Moderation hides with a logged reason; nothing is ever deleted.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import cast

from sqlalchemy import Engine, Table, bindparam, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, selectinload

from consultation.articles import article_label
from consultation.comment_attachments import store_files
from consultation.comment_files import CleanFile
from consultation.drafts import get_draft, get_public_draft, window_state
from consultation.models import Comment, ConsultationDraft
from consultation.notify import tell_commenter
from consultation.versions import current_version, resolve_article
from consultation.vocabulary import ONLINE_CHANNELS, Channel, QueueFilter, WindowState
from publisher.contact import normalise_email, normalise_phone
from publisher.errors import (
    Conflict,
    NotFound,
    RuleViolation,
    ValidationFailed,
    required_text,
)
from publisher.receipts import find_by_receipt, new_receipt_code, normalise_receipt_code
from publisher.staff import audit
from publisher.staff.principal import StaffPrincipal
from publisher.storage.core_insert import adopt_inserted
from publisher.storage.db import unit_of_work
from publisher.storage.group_commit import batch_memo, write_grouped, write_grouped_async
from publisher.throttle import limits
from publisher.throttle.limits import Limit
from publisher.timeutil import format_local, format_local_en, format_local_end, to_local

MAX_COMMENT_CHARS = 5000
MAX_SECTION_CHARS = 200
#: accepted comments per address (a retry with the same idempotency key is not counted)
COMMENTS_PER_ADDRESS = Limit(
    scope="comment.address",
    max_hits=10,
    window=dt.timedelta(minutes=10),
    what_en="comments from this address",
    what_zh="同一网络地址提交意见",
    hint_zh="您写好的内容不会丢失，可先复制保存。",
)


@dataclass
class CommentInput:
    text: str
    section: str = ""
    name: str = ""
    phone: str = ""
    email: str = ""
    anonymous: bool = False
    consent_publish: bool = False
    honeypot: str = ""
    #: the article commented on ("a3"); empty: the whole draft
    article: str = ""
    #: a passage of that article the commenter selected
    quote: str = ""


_NOT_WORD = re.compile(r"[\W_]+", re.UNICODE)


def text_fingerprint(text: str) -> str:
    """Normalised hash: NFKC, case-folded, without spaces or punctuation, so that a comment
    pasted twice with different spacing or punctuation is recognised as a near-duplicate."""
    norm = _NOT_WORD.sub("", unicodedata.normalize("NFKC", text).casefold())
    return hashlib.sha256(norm.encode("utf-8")).hexdigest()


def _validate_comment(data: CommentInput, require_contact: bool) -> CommentInput:
    text = (data.text or "").strip()
    if not text:
        raise ValidationFailed("The comment is empty.", "请填写意见内容。", field="text")
    if len(text) > MAX_COMMENT_CHARS:
        raise ValidationFailed(
            f"The comment is too long ({len(text)} characters; at most {MAX_COMMENT_CHARS}).",
            f"意见内容过长（{len(text)}字，最多{MAX_COMMENT_CHARS}字）。",
            field="text",
        )
    section = (data.section or "").strip()
    if len(section) > MAX_SECTION_CHARS:
        raise ValidationFailed(
            "The section reference is too long.", "所涉条款内容过长。", field="section"
        )
    name, phone, email = (data.name or "").strip(), (data.phone or "").strip(), data.email.strip()
    if data.anonymous:
        name = phone = email = ""  # an anonymous commenter leaves no identity behind
    else:
        email = normalise_email(email) or ""
        phone = normalise_phone(phone) if phone else ""
        if len(name) > 100:
            raise ValidationFailed("The name is too long.", "姓名过长。")
        if require_contact and not (phone or email):
            raise ValidationFailed(
                "Give a phone number or an e-mail address so that we can answer you, or tick "
                "'stay anonymous'.",
                "请留下联系电话或电子邮箱以便答复；如不愿留下，请勾选“匿名提交”。",
                field="contact",
            )
    return CommentInput(
        text=text,
        section=section,
        name=name,
        phone=phone,
        email=email,
        anonymous=data.anonymous,
        consent_publish=data.consent_publish,
        honeypot=data.honeypot,
        article=data.article,
        quote=data.quote,
    )


def _by_key(session: Session, draft_id: int, key: str) -> Comment | None:
    return session.scalars(
        select(Comment).where(Comment.draft_id == draft_id, Comment.idempotency_key == key)
    ).first()


def submit_comment(
    session: Session,
    draft_id: int,
    data: CommentInput,
    now: dt.datetime,
    *,
    requester: str,
    channel: Channel,
    idempotency_key: str | None = None,
    files: Sequence[CleanFile] = (),
) -> tuple[Comment, bool]:
    """Accept a citizen's comment and commit it; returns (comment, created).

    `files` were checked and cleaned before (`comment_files.check_files`): the unit stores
    them with the comment, so a refusal stores none and a receipt never lacks one.

    `requester` is the keyed digest of the sender's address: the rate limit counts it; the
    address itself is not stored with the comment (named or anonymous). A retry with the
    same idempotency key returns the first comment and stores nothing. The honeypot does not
    refuse: the comment is stored flagged as spam and the answer looks like any other, so a
    real person whose browser auto-filled the field loses nothing.

    Everything is checked by the write (the text before, its refusal kept), which the group
    writer (`publisher.storage.group_commit`) runs with the others waiting, in one
    transaction: the receipt is returned after the COMMIT of its batch.
    """
    submission = CommentSubmission.of(draft_id, data, now, requester, channel, idempotency_key)
    submission.files = files
    comment, created = write_grouped(session, submission.write)
    return session.merge(comment, load=False), created


async def receive_comment(
    engine: Engine,
    draft_id: int,
    data: CommentInput,
    now: dt.datetime,
    *,
    requester: str,
    channel: Channel,
    idempotency_key: str | None = None,
) -> tuple[Comment, bool]:
    """`submit_comment` for an async endpoint: no session or thread of the request's own;
    the request awaits its batch's COMMIT (the comment comes back detached, its columns
    loaded)."""
    submission = CommentSubmission.of(draft_id, data, now, requester, channel, idempotency_key)
    return await write_grouped_async(engine, submission.write)


@dataclass
class CommentSubmission:
    """A comment whose text was checked: what its write needs. The write runs in the group
    writer's batch, where the reads it needs are shared with the batch (the draft is loaded
    once) and constraints, not earlier reads, decide a race."""

    draft_id: int
    data: CommentInput
    now: dt.datetime
    requester: str
    channel: Channel
    key: str | None
    files: Sequence[CleanFile] = ()
    #: what the text check refused, raised by the write after the draft's checks
    invalid: ValidationFailed | None = None

    @classmethod
    def of(
        cls,
        draft_id: int,
        data: CommentInput,
        now: dt.datetime,
        requester: str,
        channel: Channel,
        idempotency_key: str | None,
    ) -> CommentSubmission:
        """Check the text (no database). A refusal is kept for the write to raise: that a
        consultation does not exist, or is closed, is said before what is wrong with a text
        (and a retry of a stored comment gets its receipt)."""
        key = (idempotency_key or "").strip()[:100] or None
        try:
            return cls(draft_id, _validate_comment(data, True), now, requester, channel, key)
        except ValidationFailed as refused:
            return cls(draft_id, data, now, requester, channel, key, invalid=refused)

    def write(self, session: Session) -> tuple[Comment, bool]:
        """Inside the writer's savepoint: the draft is public and open, the article exists;
        insert unless the key was used (ON CONFLICT DO NOTHING RETURNING), count the rate
        limit, store the files with the comment, fill the outbox. A retry with a used key
        gets the first comment back whatever changed since (the window closed, the article
        was renumbered), and nothing is counted."""
        draft = get_public_draft(session, self.draft_id, self.now)
        state = window_state(draft, self.now)
        refusal: RuleViolation | ValidationFailed | None = None
        if state is not WindowState.OPEN:
            refusal = _window_refusal(draft, state)
        elif self.invalid is not None:
            refusal = self.invalid
        else:
            try:
                values = _comment_values(
                    session, draft, self.data, self.now, self.channel, self.key, None
                )
            except ValidationFailed as refused:
                refusal = refused
        if refusal is not None:
            first = _by_key(session, self.draft_id, self.key) if self.key else None
            if first is None:
                raise refusal
            return first, False
        values["flagged_spam"] = bool(self.data.honeypot.strip())
        values.update(same_draft=values["draft_id"], same_hash=values["text_hash"])
        statement = _INSERT_UNLESS_KEY_USED[session.get_bind().dialect.name == "postgresql"]
        row = session.connection().execute(statement, values).first()
        if row is None:  # the key was used: the first receipt, nothing stored or counted
            return self._first(session), False
        comment = adopt_inserted(session, Comment, row)
        try:
            limits.take(session, COMMENTS_PER_ADDRESS, self.requester, self.now)
            store_files(session, comment, self.files, self.now)
            tell_commenter(session, comment, self.now)
        except BaseException:  # its savepoint takes the row away: the object goes with it
            session.expunge(comment)
            raise
        return comment, True

    def _first(self, session: Session) -> Comment:
        assert self.key is not None  # a conflict on the key needs a key
        first = _by_key(session, self.draft_id, self.key)
        assert first is not None
        return first


# Built once, run with parameters: building and keying a statement per comment cost the
# writer more than running it (#15).
#: the first comment on a draft with the same normalised text (a near-duplicate)
_FIRST_WITH_TEXT = (
    select(Comment.id)
    .where(Comment.draft_id == bindparam("same_draft"), Comment.text_hash == bindparam("same_hash"))
    .order_by(Comment.id)
    .limit(1)
)
_COMMENTS = cast(Table, Comment.__table__)
#: (postgresql?) -> insert unless the idempotency key was used, the row back; the
#: near-duplicate is found by the same statement (one round trip, not two). Core, not the
#: ORM's bulk insert, whose bookkeeping cost the writer more than the statement.
_INSERT_UNLESS_KEY_USED = {
    postgres: (pg_insert if postgres else sqlite_insert)(_COMMENTS)
    .values(duplicate_of_id=_FIRST_WITH_TEXT.scalar_subquery())
    .on_conflict_do_nothing(index_elements=[_COMMENTS.c.draft_id, _COMMENTS.c.idempotency_key])
    .returning(*_COMMENTS.c)
    for postgres in (False, True)
}


def _window_refusal(draft: ConsultationDraft, state: WindowState) -> RuleViolation:
    if state is WindowState.UPCOMING:
        return RuleViolation(
            f"The consultation opens at {format_local_en(draft.opens_at)}.",
            f"征求意见将于{format_local(draft.opens_at)}开始，届时欢迎提出意见。",
            opens_at=to_local(draft.opens_at).isoformat(),
        )
    return RuleViolation(
        f"The consultation closed at {format_local_en(draft.closes_at)}; "
        f"comments are no longer accepted.",
        f"征求意见已于{format_local_end(draft.closes_at)}截止，不再接收意见。",
        closes_at=to_local(draft.closes_at).isoformat(),
    )


def _comment_values(
    session: Session,
    draft: ConsultationDraft,
    data: CommentInput,
    now: dt.datetime,
    channel: Channel,
    key: str | None,
    recorded_by: str | None,
) -> dict[str, object]:
    memo = batch_memo(session)  # every comment of a batch on this draft reads the same version
    current = memo.get(("current_version", draft.id)) or current_version(session, draft)
    memo[("current_version", draft.id)] = current
    version, article, quote = resolve_article(session, draft, data.article, data.quote, current)
    return {
        "draft_id": draft.id,
        "receipt_code": new_receipt_code("YJ"),
        "idempotency_key": key,
        "channel": channel.value,
        "body": data.text,
        "section": data.section or (article_label(article) if article else ""),
        "version_number": version,
        "article_key": article,
        "quote": quote,
        "commenter_name": data.name or None,
        "phone": data.phone or None,
        "email": data.email or None,
        "anonymous": data.anonymous,
        "consent_publish": data.consent_publish,
        "text_hash": text_fingerprint(data.text),
        "submitted_at": now,
        "recorded_by": recorded_by,
    }


@unit_of_work
def record_offline_comment(
    session: Session,
    principal: StaffPrincipal,
    draft_id: int,
    data: CommentInput,
    channel: Channel,
    now: dt.datetime,
    received_at: dt.datetime | None = None,
) -> Comment:
    """Staff record an opinion from a forum, letter, hearing… (第五条), also after closing."""
    channel = Channel(channel)
    if channel in ONLINE_CHANNELS:
        raise ValidationFailed(
            "Offline opinions need an offline channel.", "请选择线下征求意见渠道。"
        )
    if received_at is not None and received_at > now:
        raise ValidationFailed(
            "An opinion cannot be received in the future.",
            "收到时间不能晚于现在。",
            field="received_at",
        )
    draft = get_draft(session, draft_id)
    if draft.summary_published_at is not None:
        raise Conflict(
            "The adoption summary is already published.", "意见采纳情况已公布，不能再补录意见。"
        )
    data = _validate_comment(data, require_contact=False)
    values = _comment_values(
        session, draft, data, received_at or now, channel, None, principal.username
    )
    same = {"same_draft": draft.id, "same_hash": values["text_hash"]}
    comment = Comment(**values, duplicate_of_id=session.scalars(_FIRST_WITH_TEXT, same).first())
    session.add(comment)
    session.flush()
    audit.record(
        session,
        principal,
        "consultation.comment.record",
        "consultation_comment",
        comment.id,
        draft_id=draft.id,
        channel=channel.value,
    )
    tell_commenter(session, comment, now)
    return comment


def get_comment_by_receipt(session: Session, code: str) -> Comment:
    normal = normalise_receipt_code(code)
    comment = session.scalars(
        select(Comment).where(Comment.receipt_code == normal).options(selectinload(Comment.draft))
    ).first()
    if comment is None:
        raise NotFound(
            "No comment has this receipt code.", "未找到该回执码对应的意见，请核对后重试。"
        )
    return comment


def comment_by_receipt(session: Session, code: str, *, requester: str, now: dt.datetime) -> Comment:
    """The public look-up by receipt code, its misses counted per address."""
    return find_by_receipt(session, requester, now, lambda: get_comment_by_receipt(session, code))


def comment_queue(
    session: Session, draft_id: int, status: QueueFilter = QueueFilter.ALL
) -> Sequence[Comment]:
    get_draft(session, draft_id)
    query = select(Comment).where(Comment.draft_id == draft_id).order_by(Comment.id)
    if status is QueueFilter.UNANSWERED:
        query = query.where(Comment.disposition.is_(None), Comment.hidden_at.is_(None))
    elif status is QueueFilter.ANSWERED:
        query = query.where(Comment.disposition.is_not(None))
    elif status is QueueFilter.FLAGGED:
        query = query.where(
            (Comment.flagged_spam.is_(True)) | (Comment.duplicate_of_id.is_not(None))
        )
    elif status is QueueFilter.HIDDEN:
        query = query.where(Comment.hidden_at.is_not(None))
    return session.scalars(query).all()


@unit_of_work
def set_hidden(
    session: Session,
    principal: StaffPrincipal,
    draft_id: int,
    comment_id: int,
    hidden: bool,
    reason: str,
    now: dt.datetime,
) -> Comment:
    """Moderation hides (or shows again) with a logged reason; nothing is ever deleted."""
    comment = _comment_of(session, draft_id, comment_id)
    reason = required_text(reason, "reason", "理由")
    refuse_after_summary(comment.draft)
    if hidden:
        comment.hidden_at, comment.hidden_reason = now, reason
        comment.hidden_by = principal.username
    else:
        comment.hidden_at = comment.hidden_reason = comment.hidden_by = None
    audit.record(
        session,
        principal,
        "consultation.comment.hide" if hidden else "consultation.comment.unhide",
        "consultation_comment",
        comment.id,
        reason=reason,
    )
    return comment


def _comment_of(session: Session, draft_id: int, comment_id: int) -> Comment:
    comment = session.get(Comment, comment_id)
    if comment is None or comment.draft_id != draft_id:
        raise NotFound(f"No comment {comment_id}.", f"未找到编号为{comment_id}的意见。")
    return comment


def refuse_after_summary(draft: ConsultationDraft) -> None:
    """Once the adoption summary is public, the answers and the record of comments are final."""
    if draft.summary_published_at is not None:
        raise Conflict(
            "The adoption summary is published; the answers are final.",
            "意见采纳情况已公布，答复不能再更改。",
        )
