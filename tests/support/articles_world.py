"""The done-when scenario of issue #16: a 30-article draft, 200 comments on 12 articles, a
revision changing 3 articles. Built through the staff API and the comment use case (200
comments through the public API would meet its per-address limit, as they should)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy.orm import Session, sessionmaker

from consultation import comments
from consultation.articles import to_chinese_number
from consultation.vocabulary import Channel
from tests.support.bodies import draft_body

CHAPTERS = {1: "总则", 11: "停车设施规划与建设", 21: "法律责任"}
#: the articles commented on, and how many comments each gets (200 in all)
COMMENTED = {
    n: c
    for n, c in zip(
        (1, 2, 3, 5, 8, 11, 13, 17, 20, 22, 25, 30),
        (40, 30, 20, 20, 15, 15, 15, 10, 10, 10, 10, 5),
        strict=True,
    )
}
CHANGED = (3, 13, 25)
REVISION_REASON = "根据公众意见，调整收费标准、共享泊位和施行日期的表述。"


class Poster(Protocol):
    def post(self, url: str, *, json: Any, headers: dict[str, str]) -> Any: ...


def article_text(n: int, revised: bool = False) -> str:
    label = f"第{to_chinese_number(n)}条"
    if n == 3:
        fee = "每小时不超过五元" if revised else "每小时不超过三元"
        items = "\n（一）首三十分钟免费；\n（二）夜间不收费。"
        return f"{label} 城区道路停车泊位实行分时段收费，{fee}。{items}"
    if n == 13:
        extra = "机关、企事业单位的停车场在夜间和节假日应当向社会开放。" if revised else ""
        return f"{label} 鼓励共享停车泊位。{extra}"
    if n == 25:
        day = "2027年3月1日" if revised else "2027年1月1日"
        return f"{label} 本办法自{day}起施行。"
    return f"{label} 第{n}项管理要求：市城市管理局应当依法做好城区停车管理相关工作。"


def draft_text(revised: bool = False) -> str:
    lines = ["三门峡市城区停车管理办法（征求意见稿）"]
    for n in range(1, 31):
        if n in CHAPTERS:
            number = to_chinese_number(list(CHAPTERS).index(n) + 1)
            lines.append(f"第{number}章 {CHAPTERS[n]}")
        lines.append(article_text(n, revised))
    return "\n".join(lines)


@dataclass(frozen=True)
class Scenario:
    draft_id: int
    receipts: list[str]


def build(
    api: Poster,
    session_factory: sessionmaker[Session],
    editor: dict[str, str],
    now: dt.datetime,
) -> Scenario:
    created = api.post(
        "/api/v1/staff/consultations",
        json=draft_body(
            draft_text=draft_text(),
            opens_at=now.isoformat(),
            publish_at=now.isoformat(),
            closes_at=(now + dt.timedelta(days=21)).isoformat(),
        ),
        headers=editor,
    )
    assert created.status_code == 201, created.text
    draft_id = int(created.json()["id"])
    receipts = []
    with session_factory() as session:
        i = 0
        for n, count in COMMENTED.items():
            for k in range(count):
                i += 1
                data = comments.CommentInput(
                    text=f"关于第{n}条的第{k + 1}条意见：建议进一步明确。",
                    article=f"a{n}",
                    anonymous=True,
                    consent_publish=True,
                )
                comment, _ = comments.submit_comment(
                    session, draft_id, data, now, requester=f"seed-{i}", channel=Channel.API
                )
                receipts.append(comment.receipt_code)
    revised = api.post(
        f"/api/v1/staff/consultations/{draft_id}/versions",
        json={"text": draft_text(revised=True), "reason": REVISION_REASON, "material": False},
        headers=editor,
    )
    assert revised.status_code == 201, revised.text
    return Scenario(draft_id, receipts)
