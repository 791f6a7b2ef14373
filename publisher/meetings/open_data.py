"""The meetings' open data: every public notice's agenda items, with the notice's changes and
its outcome, as a live table (the site's `/datasets`, the API, DCAT and CKAN, like the other
lists).

One row per agenda item of a notice the public may see now (withdrawn notices' content was
taken down with them, so they have no rows). No personal data: the outcome's attendance and
opinion handling are counts, never names; applications are not read.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy.orm import Session

from publisher.meetings.listing import public_notices
from publisher.meetings.outcomes import view
from publisher.meetings.vocabulary import NoticeStatus
from publisher.opendata.specs import FieldSpec
from publisher.opendata.tables import LiveTable
from publisher.rules.predisclosure import MeetingKind
from publisher.timeutil import now_utc, to_local

MEETING_AGENDA = "meeting-agenda-items"


def _iso(value: dt.datetime | None) -> str | None:
    return to_local(value).isoformat() if value is not None else None


def agenda_rows(session: Session) -> list[dict[str, Any]]:
    """Open-data rows, one per agenda item of each public notice, soonest meeting first."""
    rows: list[dict[str, Any]] = []
    for notice in public_notices(session, now_utc()):
        if notice.status == NoticeStatus.WITHDRAWN.value:
            continue
        outcome = view(notice) if notice.status == NoticeStatus.SCHEDULED.value else None
        after = [
            r
            for r in notice.revisions
            if notice.published_at and r.changed_at >= notice.published_at
        ]
        for item in notice.agenda_items:
            rows.append(
                {
                    "meeting_id": notice.id,
                    "meeting_title": notice.title,
                    "meeting_kind": notice.kind,
                    "meeting_kind_zh": MeetingKind(notice.kind).label_zh,
                    "starts_at": _iso(notice.starts_at),
                    "place": notice.place,
                    "status": notice.status,
                    "status_zh": NoticeStatus(notice.status).label_zh,
                    "cancel_reason": notice.cancel_reason or "",
                    "published_at": _iso(notice.published_at),
                    "changes_count": len(after),
                    "last_changed_at": _iso(after[-1].changed_at) if after else None,
                    "item_number": item.position,
                    "item_title": item.title,
                    "item_description": item.description,
                    "item_documents": json.dumps(
                        [{"kind": d.kind, "label": d.label, "url": d.url} for d in item.documents],
                        ensure_ascii=False,
                    ),
                    "item_decision": item.decision if outcome else "",
                    "outcome_kind_zh": outcome.kind_zh if outcome else "",
                    "outcome_summary": outcome.summary if outcome else "",
                    "outcome_published_at": _iso(outcome.published_at) if outcome else None,
                    "representatives_attended": outcome.attended if outcome else None,
                    "opinions_answered": dict(outcome.opinions).get("已答复") if outcome else None,
                }
            )
    return rows


MEETING_AGENDA_TABLE = LiveTable(
    name=MEETING_AGENDA,
    title="市政府重大会议议题及会议情况",
    description=(
        "三门峡市政府重大会议公开预告的议题（每个议题一行），含会议时间、地点、状态、发布后的"
        "变更次数，以及会后公布的会议纪要或会议情况、各议题的决定、社会公众代表列席人数和意见"
        "答复条数（只含统计数字，不含个人信息）。依据《三门峡市政府重大会议预公开制度》。"
    ),
    keywords=("重大会议", "公开预告", "会议议题", "会议纪要"),
    fields=(
        FieldSpec("meeting_id", "会议编号", "integer", "会议预告的编号（/meetings/编号）。"),
        FieldSpec("meeting_title", "会议名称", "string", "会议名称。"),
        FieldSpec("meeting_kind", "会议类别代码", "string", "plenary、executive 等。"),
        FieldSpec("meeting_kind_zh", "会议类别", "string", "会议类别的中文表述。"),
        FieldSpec("starts_at", "会议时间", "datetime", "会议开始时刻，北京时间，带时区。"),
        FieldSpec("place", "会议地点", "string", "会议地点。"),
        FieldSpec("status", "状态代码", "string", "scheduled（按期召开）或 cancelled（已取消）。"),
        FieldSpec("status_zh", "状态", "string", "状态的中文表述。"),
        FieldSpec("cancel_reason", "取消原因", "string", "会议取消时公布的原因，可为空。"),
        FieldSpec("published_at", "发布时间", "datetime", "预告公开的时刻，带时区。"),
        FieldSpec("changes_count", "变更次数", "integer", "预告发布后公开的变更次数。"),
        FieldSpec("last_changed_at", "最近变更时间", "datetime", "最近一次变更的时刻，可为空。"),
        FieldSpec("item_number", "议题序号", "integer", "议题在会议主要内容中的序号。"),
        FieldSpec("item_title", "议题", "string", "议题标题。"),
        FieldSpec("item_description", "议题说明", "string", "议题说明，可为空。"),
        FieldSpec(
            "item_documents", "议题文件", "string", "议题的相关文件，JSON：[{kind, label, url}]。"
        ),
        FieldSpec("item_decision", "会议决定", "string", "会议对该议题的决定，会后公布。"),
        FieldSpec("outcome_kind_zh", "会议情况类型", "string", "会议纪要或会议情况，可为空。"),
        FieldSpec("outcome_summary", "会议纪要或会议情况", "string", "会后公布的内容，可为空。"),
        FieldSpec("outcome_published_at", "会议情况公布时间", "datetime", "可为空。"),
        FieldSpec(
            "representatives_attended", "公众代表列席人数", "integer", "会后公布；只含人数。"
        ),
        FieldSpec("opinions_answered", "代表意见已答复条数", "integer", "会后公布；只含条数。"),
    ),
    primary_key=("meeting_id", "item_number"),
    source="三政办〔2018〕45号 《三门峡市政府重大会议预公开制度》第三条",
    rows=agenda_rows,
    date_field="published_at",
)
