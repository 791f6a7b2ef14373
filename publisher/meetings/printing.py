"""A meeting notice as an office notice (第三条: time, place, main content, how the public takes
part) for the A4 sheet, its PDF and the press text (`publisher.printing`)."""

from __future__ import annotations

from publisher.meetings.models import MeetingNotice
from publisher.meetings.vocabulary import NoticeStatus
from publisher.printing.sheet import NoticeSheet
from publisher.rules.predisclosure import MeetingKind
from publisher.timeutil import format_local, local_date, now_utc

HEADING = "重大会议公开预告"


def notice_sheet(notice: MeetingNotice, url: str, issuer: str, contact: str) -> NoticeSheet:
    """The sheet of a notice; a withdrawn one says only that it was withdrawn, and why."""
    issued = local_date(notice.published_at or notice.updated_at or now_utc())
    status = NoticeStatus(notice.status)
    if status is NoticeStatus.WITHDRAWN:
        return NoticeSheet(
            heading=f"{HEADING}（已撤回）",
            title=notice.title,
            facts=(("撤回理由", notice.withdrawal_reason or ""),),
            sections=(),
            contact=contact,
            issuer=issuer,
            issued_on=issued,
            url=url,
        )
    when = format_local(notice.starts_at) if notice.starts_at else "另行通知"
    if notice.starts_at and notice.ends_at:
        when += f" 至 {format_local(notice.ends_at)}"
    facts = [("会议类别", MeetingKind(notice.kind).label_zh), ("会议时间", when)]
    facts.append(("会议地点", notice.place or "另行通知"))
    if notice.capacity > 0 and notice.application_deadline:
        facts.append(("公众参会名额", f"{notice.capacity}名"))
        facts.append(("报名截止时间", format_local(notice.application_deadline)))
    media = "欢迎新闻媒体全程采访报道" if notice.media_allowed else "本次会议不安排媒体采访"
    facts.append(("新闻媒体", media))
    if status is NoticeStatus.CANCELLED:
        facts.insert(0, ("本次会议已取消", notice.cancel_reason or ""))
    participation = notice.participation.strip() or "请关注本预告网页。"
    if notice.capacity > 0:
        participation += "\n可扫描下方二维码或访问网址，在网上填写列席申请。"
    return NoticeSheet(
        heading=HEADING if status is NoticeStatus.SCHEDULED else f"{HEADING}（已取消）",
        title=notice.title,
        facts=tuple(facts),
        sections=(("主要内容", notice.agenda), ("公众参与方式", participation)),
        contact=contact,
        issuer=issuer,
        issued_on=issued,
        url=url,
    )
