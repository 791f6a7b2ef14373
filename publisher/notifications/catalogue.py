"""Every event that tells someone something: who gets it, why, and a sample of its variables,
from which `publisher outbox messages --markdown` prints the exact texts for
docs/notifications.md (a test keeps the document equal to the templates)."""

from __future__ import annotations

from dataclasses import dataclass

from publisher.notifications.messages import has_sms, render, segments
from publisher.notifications.vocabulary import ChannelName


@dataclass(frozen=True)
class Event:
    name: str
    when: str
    who: str
    sample: dict[str, str]


_MEETING = {
    "title": "市政府第十次全体会议",
    "when": "2026年12月7日 09:30",
    "place": "市政府第一会议室",
    "receipt": "CH-7K3Q9-XWM2T",
    "link": "/a/CH-7K3Q9-XWM2T",
}
_COMMENT = {
    "title": "三门峡市城区停车管理办法（征求意见稿）",
    "submitted": "2026年11月23日 10:15",
    "receipt": "YJ-4F8KD-2M9QX",
    "link": "/c/YJ-4F8KD-2M9QX",
}

EVENTS: tuple[Event, ...] = (
    Event(
        "meeting.application.received",
        "an application to attend a meeting is taken (web form or API)",
        "the applicant",
        _MEETING,
    ),
    Event(
        "meeting.application.receipt_resent",
        "the same phone number applies again to the same meeting (at most 3 a day)",
        "the e-mail address on file of the first application (never SMS: the asker may not "
        "be the owner)",
        _MEETING,
    ),
    Event(
        "meeting.application.approved",
        "the office approves an application",
        "the applicant",
        _MEETING | {"note": "请于会前15分钟凭身份证到市政府一楼登记", "checkin": "Q7K3-9XWM"},
    ),
    Event(
        "meeting.application.waitlisted",
        "an application is taken when the places are full: it goes on the waiting list",
        "the applicant",
        _MEETING | {"position": "2"},
    ),
    Event(
        "meeting.application.promoted",
        "a place frees (an applicant gives it up or is declined, or the capacity is raised): "
        "the first on the waiting list moves up to pending, in order",
        "the applicant promoted",
        _MEETING,
    ),
    Event(
        "meeting.application.withdrawn",
        "the applicant gives up their place or their turn on the waiting list (status page)",
        "the applicant",
        _MEETING,
    ),
    Event(
        "meeting.application.declined",
        "the office declines an application",
        "the applicant",
        _MEETING | {"note": "名额有限"},
    ),
    Event(
        "meeting.moved",
        "the time or place of a published meeting changes",
        "every applicant not declined (pending or approved)",
        _MEETING
        | {
            "when": "2026年12月8日 14:30",
            "old_when": "2026年12月7日 09:30",
            "old_place": "市政府第一会议室",
            "reason": "因工作安排调整",
        },
    ),
    Event(
        "meeting.cancelled",
        "a published meeting is cancelled",
        "every applicant not declined",
        _MEETING | {"reason": "议题调整，另行通知"},
    ),
    Event(
        "meeting.withdrawn",
        "a published notice is withdrawn",
        "every applicant not declined",
        _MEETING | {"reason": "依法需要保密"},
    ),
    Event(
        "meeting.opinion.assigned",
        "a representative's opinion is handed to a department (交办)",
        "the representative (the application's contact)",
        _MEETING | {"department": "市住房和城乡建设局"},
    ),
    Event(
        "meeting.opinion.answered",
        "a representative's opinion is answered (第八条)",
        "the representative (the application's contact)",
        _MEETING | {"answer": "您的建议已采纳，将在方案中增加停车位。"},
    ),
    Event(
        "consultation.comment.received",
        "a comment is taken (web, API, or recorded by staff from an offline channel); not for "
        "comments caught by the honeypot",
        "the commenter",
        _COMMENT,
    ),
    Event(
        "consultation.comment.answered",
        "staff answer one or many comments (第六–七条); the delivery sets the comment's "
        "`notified_at`",
        "the commenter (not for comments caught by the honeypot)",
        _COMMENT | {"disposition": "部分采纳", "answer": "已在第二条中增加临时停车位的规定。"},
    ),
    Event(
        "consultation.extended",
        "the consultation window is extended",
        "everyone who commented (not spam, not hidden), once per address",
        _COMMENT
        | {"link": "/consultations/12", "closes": "2026年12月13日 24:00", "reason": "听取更多意见"},
    ),
    Event(
        "consultation.follow.extended",
        "a consultation's window is extended",
        "every confirmed follower of that consultation, of its department or of all "
        "consultations, one message per address (with List-Unsubscribe, one click)",
        {
            "title": _COMMENT["title"],
            "link": "/consultations/12",
            "unsubscribe": "/follow/unsubscribe?token=Q2x…",
            "closes": "2026年12月13日 24:00",
            "reason": "听取更多意见",
            "topic": "市住房和城乡建设局的征求意见",
        },
    ),
    Event(
        "consultation.follow.summary",
        "a consultation's adoption summary is published",
        "every confirmed follower of that consultation, of its department or of all "
        "consultations, one message per address (with List-Unsubscribe, one click)",
        {
            "title": _COMMENT["title"],
            "link": "/consultations/12",
            "unsubscribe": "/follow/unsubscribe?token=Q2x…",
            "published": "2026年12月15日 10:00",
            "topic": "全部征求意见",
        },
    ),
    Event(
        "consultation.summary.published",
        "the adoption summary (意见采纳情况) is published",
        "everyone who commented (not spam, not hidden), once per address",
        _COMMENT | {"link": "/consultations/12", "published": "2026年12月15日 10:00"},
    ),
)

_UNSUBSCRIBE = "/follow/unsubscribe?token=Q2x…"
_NOTICE = {
    "title": "市政府第十次全体会议",
    "kind": "市政府全体会议",
    "when": "2026年12月7日 09:30",
    "place": "市政府第一会议室",
    "link": "/meetings/7",
    "unsubscribe": _UNSUBSCRIBE,
    "topic": "市政府全体会议的预告",
}

FOLLOW_EVENTS: tuple[Event, ...] = (
    Event(
        "follow.confirm",
        "someone asks to follow a topic (a meeting kind, all consultations, a department's "
        "consultations, one consultation, the gazette documents) with an e-mail address "
        "(double opt-in)",
        "that address; nothing else is sent to it until the link is opened",
        {"title": "市政府全体会议的预告", "link": "/follow/confirm?token=Q2x…"},
    ),
    Event(
        "follow.meeting.published",
        "a notice becomes public: at once when staff publish it, or when its scheduled "
        "publication time comes (the outbox worker's job)",
        "every confirmed follower of its meeting kind, once",
        _NOTICE,
    ),
    Event(
        "follow.meeting.changed",
        "a public field of a public notice changes (time, place, agenda…)",
        "every confirmed follower of its meeting kind, once per change",
        _NOTICE | {"changes": "地点、开始时间"},
    ),
    Event(
        "follow.meeting.cancelled",
        "a public notice is cancelled (a withdrawal tells followers nothing: its matter may "
        "be secret by law)",
        "every confirmed follower of its meeting kind, once",
        _NOTICE | {"reason": "议题调整，另行通知"},
    ),
    Event(
        "follow.consultation.opened",
        "a draft becomes public: at once when staff publish it, or when its scheduled "
        "publication time comes (the outbox worker's job)",
        "every confirmed follower of all consultations or of its department, one message per "
        "address",
        {
            "title": _COMMENT["title"],
            "department": "市住房和城乡建设局",
            "opens": "2026年11月23日 09:00",
            "closes": "2026年12月7日 24:00",
            "link": "/consultations/12",
            "unsubscribe": _UNSUBSCRIBE,
            "topic": "全部征求意见",
        },
    ),
    Event(
        "follow.gazette.document",
        "a gazette document is stored for the first time (`publisher documents ingest`)",
        "every confirmed follower of the gazette documents, once",
        {
            "title": "三门峡市人民政府关于印发三门峡市城区停车管理办法的通知",
            "issue": "三门峡市人民政府公报2026年第6号",
            "link": "/documents/2026-06-03",
            "unsubscribe": _UNSUBSCRIBE,
            "topic": "政府公报文件",
        },
    ),
)
EVENTS = EVENTS + FOLLOW_EVENTS

SAMPLE_BASE_URL = "https://ygk.smx.gov.cn"
SAMPLE_SIGN = "三门峡市政府"


def messages_markdown() -> str:
    """Each event with its exact texts, rendered from the templates with the sample values."""
    out: list[str] = []
    for event in EVENTS:
        out += [f"### `{event.name}`", "", f"- **When:** {event.when}.", f"- **Who:** {event.who}."]
        channels = "e-mail and SMS" if has_sms(event.name) else "e-mail only"
        out += [f"- **Channels:** {channels}.", ""]
        mail = render(event.name, ChannelName.EMAIL, event.sample, base_url=SAMPLE_BASE_URL)
        out += [f"E-mail subject: **{mail.subject}**", "", "```text", mail.text.rstrip(), "```", ""]
        if has_sms(event.name):
            sms = render(
                event.name,
                ChannelName.SMS,
                event.sample,
                base_url=SAMPLE_BASE_URL,
                sign_name=SAMPLE_SIGN,
            ).text
            whole = f"【{SAMPLE_SIGN}】{sms}"
            out += [
                f"SMS ({len(whole)} characters with the signature, {segments(whole)} segment(s)):",
                "",
                "```text",
                whole,
                "```",
                "",
            ]
    return "\n".join(out)
