"""The words of decision pre-disclosure, stored in English and shown in Chinese."""

from __future__ import annotations

from publisher.vocabulary import LabelledEnum, labelled


@labelled({"upcoming": "即将开始", "open": "正在征求意见", "closed": "已截止"})
class WindowState(LabelledEnum):
    UPCOMING = "upcoming"
    OPEN = "open"
    CLOSED = "closed"


@labelled(
    {
        "adopted": "采纳",
        "partly_adopted": "部分采纳",
        "not_adopted": "不予采纳",
        "out_of_scope": "不属于征求意见范围",
    }
)
class Disposition(LabelledEnum):
    ADOPTED = "adopted"
    PARTLY_ADOPTED = "partly_adopted"
    NOT_ADOPTED = "not_adopted"
    OUT_OF_SCOPE = "out_of_scope"


@labelled({"decision": "正式发布的决策", "interpretation": "政策解读"})
class OutcomeRole(LabelledEnum):
    """What a closed consultation links to (第七条): the decision as issued, its 政策解读."""

    DECISION = "decision"
    INTERPRETATION = "interpretation"


@labelled(
    {
        "web": "网站表单",
        "api": "数据接口",
        "forum": "座谈会",
        "letter": "书面征求意见",
        "hearing": "听证会",
        "expert": "专家论证",
        "group": "特定群体征求意见",
        "other": "其他渠道",
    }
)
class Channel(LabelledEnum):
    """第五条: the portal (web form, API) and offline channels staff record."""

    WEB = "web"
    API = "api"
    FORUM = "forum"
    LETTER = "letter"
    HEARING = "hearing"
    EXPERT = "expert"
    GROUP = "group"
    OTHER = "other"


ONLINE_CHANNELS = frozenset({Channel.WEB, Channel.API})


@labelled(
    {
        "all": "全部",
        "unanswered": "未答复",
        "answered": "已答复",
        "flagged": "待审核标记",
        "hidden": "已隐藏",
    }
)
class QueueFilter(LabelledEnum):
    """The staff comment queue's views."""

    ALL = "all"
    UNANSWERED = "unanswered"
    ANSWERED = "answered"
    FLAGGED = "flagged"
    HIDDEN = "hidden"


#: Chinese names of the actions the feature writes to the audit log (its manifest's).
AUDIT_ACTIONS = {
    "consultation.create": "新建征求意见",
    "consultation.publish": "发布征求意见",
    "consultation.extend": "延长征求意见期",
    "consultation.attachment_add": "上传草案附件",
    "consultation.comment.record": "登记线下意见",
    "consultation.comment.hide": "隐藏意见",
    "consultation.comment.unhide": "恢复显示意见",
    "consultation.answer": "答复意见",
    "consultation.comments.export": "导出意见",
    "consultation.summary.publish": "发布意见采纳情况",
    "consultation.outcome.link": "关联正式决策或政策解读",
    "consultation.group.create": "合并相似意见",
    "consultation.group.dissolve": "解散意见分组",
    "consultation.comment.tag": "添加意见标签",
    "consultation.comment.untag": "删除意见标签",
    "consultation.comment.publish": "公开意见全文",
    "consultation.comment.unpublish": "撤回公开的意见全文",
    "consultation.comment_attachment.approve": "同意公开意见附件",
    "consultation.comment_attachment.withdraw": "撤回意见附件的公开",
    "consultation.revise": "发布草案修改稿",
    "consultation.final_text": "公布最终决定文本",
}
