"""Staff exports of meeting data: the applications of one meeting as CSV (personal data)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.orm import Session

from publisher.meetings.applications import list_applications
from publisher.meetings.models import MeetingApplication
from publisher.meetings.vocabulary import ApplicationStatus, RepresentativeCategory
from publisher.spreadsheets import excel_csv
from publisher.staff import audit
from publisher.staff.principal import StaffPrincipal
from publisher.storage.db import unit_of_work
from publisher.timeutil import to_local

#: in Chinese: the file is for the office's staff, opened in Excel (the API has the English keys)
APPLICATION_COLUMNS = [
    "回执码",
    "姓名",
    "联系电话",
    "电子邮箱",
    "代表类别",
    "申请说明",
    "审核状态",
    "审核意见",
    "申请时间（北京时间）",
    "审核时间（北京时间）",
    "审核人",
    "联系方式删除时间（北京时间）",
]


def applications_csv(applications: Iterable[MeetingApplication]) -> bytes:
    """UTF-8 with BOM so Excel opens the Chinese text correctly (`publisher.spreadsheets`)."""
    return excel_csv(
        APPLICATION_COLUMNS,
        (
            [
                a.receipt_code,
                a.applicant_name,
                a.phone or "",
                a.email or "",
                RepresentativeCategory(a.category).label_zh,
                a.statement,
                ApplicationStatus(a.status).label_zh,
                a.review_note,
                to_local(a.created_at).isoformat(),
                to_local(a.reviewed_at).isoformat() if a.reviewed_at else "",
                a.reviewed_by or "",
                to_local(a.contact_erased_at).isoformat() if a.contact_erased_at else "",
            ]
            for a in applications
        ),
    )


@unit_of_work
def export_applications(session: Session, principal: StaffPrincipal, notice_id: int) -> bytes:
    """The CSV of one meeting's applications; the export itself is audited."""
    rows = list_applications(session, notice_id)
    audit.record(session, principal, "meeting.applications.export", "meeting_notice", notice_id)
    return applications_csv(rows)
