"""Sample meetings and consultations for a first look at the service (`publisher demo`).

The bundled gazette gives the open-data side something to show, but the two rules' sections
would be empty on a first run. These samples go through the same use cases as staff's work
(lead times, windows and the no-backdating rule all apply), dated from today on the working-day
calendar, and every one says it is a sample: the title starts with 【示例】, the text says so.
They are refused in production, and loaded once (a second run adds nothing).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from consultation import drafts
from consultation.models import ConsultationDraft
from publisher.errors import Conflict
from publisher.meetings import notices
from publisher.meetings.models import MeetingNotice
from publisher.rules.predisclosure import ConsultationProfile, MeetingKind
from publisher.rules.rulebook import RuleBook
from publisher.staff.principal import StaffPrincipal
from publisher.timeutil import local_date, start_of_local_day

SAMPLE = "【示例】"
SAMPLE_NOTE = "本条为演示用示例数据，不是真实的会议或决策。"


@dataclass(frozen=True)
class DemoLoaded:
    meetings: int
    consultations: int


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return start_of_local_day(day) + dt.timedelta(hours=hour, minutes=minute)


def already_loaded(session: Session) -> bool:
    meeting = session.scalar(select(MeetingNotice.id).where(MeetingNotice.title.startswith(SAMPLE)))
    draft = session.scalar(
        select(ConsultationDraft.id).where(ConsultationDraft.title.startswith(SAMPLE))
    )
    return meeting is not None or draft is not None


def load_demo(
    session: Session, principal: StaffPrincipal, now: dt.datetime, rules: RuleBook
) -> DemoLoaded:
    """Two upcoming meetings (published now) and two consultations (one open now, one opening
    in three working days), each through its use case and its own unit of work."""
    if already_loaded(session):
        raise Conflict("The samples are already loaded.", "示例数据已经装入，无需再次装入。")
    session.rollback()
    calendar = rules.calendar
    day = local_date(now)
    plenary_day = calendar.add_working_days(day, 8)
    executive_day = calendar.add_working_days(day, 12)
    meetings = [
        notices.NoticeDraft(
            kind=MeetingKind.PLENARY,
            title=f"{SAMPLE}市政府第十二次全体会议",
            starts_at=_at(plenary_day, 9, 30),
            ends_at=_at(plenary_day, 11, 30),
            place="市政府第一会议室",
            agenda="一、审议《三门峡市2027年重点民生实事实施方案》\n"
            "二、研究部署冬春季森林防火工作\n三、其他事项",
            participation=f"社会公众代表可在报名截止前通过本页面申请列席。{SAMPLE_NOTE}",
            application_deadline=_at(calendar.add_working_days(day, 6), 17),
            capacity=5,
            publication_at=now,
        ),
        notices.NoticeDraft(
            kind=MeetingKind.EXECUTIVE,
            title=f"{SAMPLE}市政府第二十三次常务会议",
            starts_at=_at(executive_day, 15),
            ends_at=_at(executive_day, 17),
            place="市政府第三会议室",
            agenda="一、研究《三门峡市城区老旧小区改造三年行动计划（2027—2029年）》\n"
            "二、听取全市安全生产工作情况汇报",
            participation=f"本次会议邀请市民代表列席。{SAMPLE_NOTE}",
            application_deadline=_at(calendar.add_working_days(day, 9), 17),
            capacity=3,
            publication_at=now,
        ),
    ]
    for draft in meetings:
        notices.create_notice(session, principal, draft, now, rules)
    opens_later = _at(calendar.add_working_days(day, 3), 9)
    consultations = [
        drafts.DraftInput(
            title=f"{SAMPLE}三门峡市城区养犬管理办法（征求意见稿）",
            department="市公安局",
            draft_text="第一条 为了规范城区养犬行为，保障公民人身安全和健康，维护市容环境和社会"
            "公共秩序，制定本办法。\n第二条 本办法适用于本市城区范围内的养犬管理活动。\n"
            "第三条 携犬出户时，应当为犬只束犬链，并由完全民事行为能力人牵领。\n"
            f"第四条 本办法自公布之日起施行。\n{SAMPLE_NOTE}",
            basis_text="《中华人民共和国动物防疫法》《河南省城市市容和环境卫生管理条例》",
            explanation_text=f"起草说明：城区犬只数量增长较快，扰民、伤人事件时有发生。{SAMPLE_NOTE}",
            opens_at=now,
            closes_at=start_of_local_day(calendar.add_working_days(day, 11)),
            profile=ConsultationProfile.CITY,
            publish_at=now,
        ),
        drafts.DraftInput(
            title=f"{SAMPLE}三门峡市黄河湿地保护管理办法（草案）",
            department="市林业局",
            draft_text="第一条 为了加强黄河湿地保护，维护湿地生态功能和生物多样性，制定本办法。\n"
            "第二条 市、县（市、区）人民政府应当将湿地保护纳入国民经济和社会发展规划。\n"
            f"第三条 本办法自公布之日起施行。\n{SAMPLE_NOTE}",
            basis_text="《中华人民共和国湿地保护法》《中华人民共和国黄河保护法》",
            explanation_text=f"起草说明：落实黄河流域生态保护和高质量发展战略。{SAMPLE_NOTE}",
            opens_at=opens_later,
            closes_at=start_of_local_day(calendar.add_working_days(day, 15)),
            profile=ConsultationProfile.CITY,
            publish_at=now,
        ),
    ]
    for data in consultations:
        drafts.create_draft(session, principal, data, rules, now)
    return DemoLoaded(meetings=len(meetings), consultations=len(consultations))
