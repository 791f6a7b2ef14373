"""The words of meeting pre-disclosure, stored in English and shown in Chinese."""

from __future__ import annotations

from publisher.vocabulary import LabelledEnum, labelled


@labelled({"scheduled": "按期召开", "cancelled": "已取消", "withdrawn": "已撤回"})
class NoticeStatus(LabelledEnum):
    """Cancelled: the meeting will not take place, and the notice stays as it was. Withdrawn:
    the notice itself is taken down (e.g. the matter turned out to be secret by law); only its
    title, the moment and the reason stay public."""

    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"
    WITHDRAWN = "withdrawn"


@labelled(
    {
        "retired_official": "离退休老干部",
        "deputy_or_member": "“两代表一委员”（人大代表、政协委员）",
        "expert": "行业专家",
        "legal_adviser": "法律顾问",
        "citizen": "市民代表",
    }
)
class RepresentativeCategory(LabelledEnum):
    """第五条: the kinds of public representatives (社会公众代表)."""

    RETIRED_OFFICIAL = "retired_official"
    DEPUTY_OR_MEMBER = "deputy_or_member"
    EXPERT = "expert"
    LEGAL_ADVISER = "legal_adviser"
    CITIZEN = "citizen"


@labelled(
    {
        "pending": "待审核",
        "approved": "已同意",
        "declined": "未同意",
        "waitlisted": "候补中",
        "withdrawn": "已放弃",
    }
)
class ApplicationStatus(LabelledEnum):
    """Waitlisted: applied when the places were full; promoted to pending, in order, when a
    place frees. Withdrawn: the applicant gave up their place (or their turn)."""

    PENDING = "pending"
    APPROVED = "approved"
    DECLINED = "declined"
    WAITLISTED = "waitlisted"
    WITHDRAWN = "withdrawn"


#: statuses that hold one of the meeting's places
HOLDS_PLACE = frozenset({ApplicationStatus.PENDING.value, ApplicationStatus.APPROVED.value})


@labelled({"consultation": "征求意见稿", "gazette": "公报文件", "attachment": "附件"})
class DocumentKind(LabelledEnum):
    """What an agenda item's document is: a link to a consultation draft, a gazette
    document, or another attachment (by URL)."""

    CONSULTATION = "consultation"
    GAZETTE = "gazette"
    ATTACHMENT = "attachment"


@labelled({"answered": "已答复", "assigned": "已交办、待答复", "received": "待交办"})
class OpinionHandling(LabelledEnum):
    """How a representative's opinion stands: counted in a meeting's outcome."""

    ANSWERED = "answered"
    ASSIGNED = "assigned"
    RECEIVED = "received"


@labelled({"minutes": "会议纪要", "report": "会议情况"})
class SummaryKind(LabelledEnum):
    MINUTES = "minutes"
    REPORT = "report"


#: Chinese names of the actions the feature writes to the audit log (its manifest's).
AUDIT_ACTIONS = {
    "meeting.attachment_add": "上传会议议题文件",
    "meeting.create": "新建会议预告",
    "meeting.update": "修改会议预告",
    "meeting.publish": "发布会议预告",
    "meeting.cancel": "取消会议",
    "meeting.withdraw": "撤回会议预告",
    "meeting.application.approved": "同意列席申请",
    "meeting.application.declined": "不同意列席申请",
    "meeting.applications.export": "导出列席申请",
    "meeting.opinion.record": "登记代表意见",
    "meeting.opinion.assign": "交办代表意见",
    "meeting.opinion.answer": "答复代表意见",
    "meeting.agenda": "修改会议议题",
    "meeting.application.checkin": "现场签到",
    "meeting.outcome": "发布会议情况",
}


#: Chinese names of a notice's public fields, for its visible history and the feeds.
FIELD_LABELS_ZH = {
    "kind": "会议类别",
    "title": "会议名称",
    "starts_at": "开始时间",
    "ends_at": "结束时间",
    "place": "地点",
    "agenda": "主要内容",
    "participation": "公众参与方式",
    "application_deadline": "报名截止时间",
    "capacity": "公众参会名额",
    "media_allowed": "媒体采访",
    "status": "状态",
    "cancel_reason": "取消原因",
    "withdrawal_reason": "撤回原因",
}
