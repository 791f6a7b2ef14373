"""Staff exports of a consultation: every comment with the commenter's contact details (CSV),
or those carrying one staff tag."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.orm import Session

from consultation.comments import comment_queue
from consultation.drafts import get_draft
from consultation.models import Comment
from consultation.responses import article_labels, label_of
from consultation.tags import comments_tagged, normalise_tag
from consultation.vocabulary import Channel, Disposition
from publisher.spreadsheets import excel_csv
from publisher.staff import audit
from publisher.staff.principal import StaffPrincipal
from publisher.storage.db import unit_of_work
from publisher.timeutil import to_local

#: in Chinese: the file is for the office's staff, opened in Excel (the API has the English keys)
COMMENT_COLUMNS = [
    "编号",
    "回执码",
    "提交渠道",
    "提交时间（北京时间）",
    "所涉条款",
    "稿次",
    "针对的条文",
    "引用原文",
    "意见内容",
    "姓名",
    "联系电话",
    "电子邮箱",
    "匿名",
    "同意公开",
    "疑似垃圾信息",
    "重复于意见编号",
    "隐藏原因",
    "处理结果",
    "答复",
    "答复时间（北京时间）",
    "联系方式删除时间（北京时间）",
]


def _yes(flag: bool) -> str:
    return "是" if flag else "否"


def comments_csv(comments: Iterable[Comment], labels: dict[tuple[int, str], str]) -> bytes:
    """UTF-8 with BOM so Excel opens the Chinese text correctly (`publisher.spreadsheets`);
    `labels` names each version's articles (`consultation.responses.article_labels`)."""
    return excel_csv(
        COMMENT_COLUMNS,
        (
            [
                c.id,
                c.receipt_code,
                Channel(c.channel).label_zh,
                to_local(c.submitted_at).isoformat(),
                c.section,
                c.version_number,
                label_of(labels, c),
                c.quote or "",
                c.body,
                c.commenter_name or "",
                c.phone or "",
                c.email or "",
                _yes(c.anonymous),
                _yes(c.consent_publish),
                _yes(c.flagged_spam),
                c.duplicate_of_id or "",
                c.hidden_reason or "",
                Disposition(c.disposition).label_zh if c.disposition else "",
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
    return comments_csv(comments, article_labels(session, get_draft(session, draft_id)))


@unit_of_work
def export_tagged(session: Session, principal: StaffPrincipal, draft_id: int, tag: str) -> bytes:
    """The comments carrying one staff tag, as `export_comments` (personal data; audited)."""
    tag = normalise_tag(tag)
    comments = comments_tagged(session, draft_id, tag)
    audit.record(
        session, principal, "consultation.comments.export", "consultation", draft_id, tag=tag
    )
    return comments_csv(comments, article_labels(session, get_draft(session, draft_id)))
