"""The words of the outbox, stored in English and shown in Chinese."""

from __future__ import annotations

from publisher.vocabulary import LabelledEnum, labelled


@labelled({"email": "电子邮件", "sms": "短信"})
class ChannelName(LabelledEnum):
    EMAIL = "email"
    SMS = "sms"


@labelled(
    {
        "pending": "待发送",
        "claimed": "已领取",
        "sending": "发送中",
        "sent": "已送达",
        "failed": "发送失败",
    }
)
class OutboxStatus(LabelledEnum):
    """pending → claimed (a worker holds a lease) → sending (committed just before the network
    call) → sent, or back to pending with a later attempt, or failed. A lease that expires in
    `claimed` returns the row to pending (nothing was sent); one that expires in `sending`
    marks it failed, visibly, because nobody can know whether the server took it."""

    PENDING = "pending"
    CLAIMED = "claimed"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


@labelled(
    {
        "meeting_kind": "一类会议的预告",
        "consultations": "全部征求意见",
        "department": "一个部门的征求意见",
        "consultation": "一项征求意见",
        "gazette": "政府公报文件",
    }
)
class TopicKind(LabelledEnum):
    """What can be followed (关注); the key names which one (a meeting kind, a department, a
    consultation's number), "" for a whole kind."""

    MEETING_KIND = "meeting_kind"
    CONSULTATIONS = "consultations"
    DEPARTMENT = "department"
    CONSULTATION = "consultation"
    GAZETTE = "gazette"
