"""Tags and groups (issue #16 item 5): staff tag comments, filter and export a tag (audited);
the service proposes near-duplicates, staff merge them into a group answered once — a campaign
of 500 identical letters gets one reason and each of its 500 commenters is told."""

from __future__ import annotations

import csv
import io
import itertools

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from consultation import groups
from consultation.comments import text_fingerprint
from consultation.models import Comment, CommentGroup, CommentGroupMember, CommentTag
from publisher.notifications.models import OutboxMessage
from publisher.staff.models import AuditEvent
from tests.support.bodies import open_consultation
from tests.support.clock import local
from tests.support.staff import StaffFixture, sign_in

CAMPAIGN = "强烈要求取消学校周边道路的停车收费，保障接送孩子的家长临时停车需求。"
_serial = itertools.count(1)
ALIKE = "关于第二条：建议在老城区增加公共停车泊位，并公布泊位分布图，方便市民查询。{}"


def _plant(factory: sessionmaker[Session], draft_id: int, texts: list[str]) -> list[int]:
    with factory() as session:
        comments = [
            Comment(
                draft_id=draft_id,
                receipt_code=f"YJ-G{next(_serial):08d}",
                channel="letter",
                body=text,
                email=f"writer{n}@example.cn",
                text_hash=text_fingerprint(text),
                submitted_at=local(2026, 11, 23, 10, 0),
            )
            for n, text in enumerate(texts)
        ]
        session.add_all(comments)
        session.commit()
        return [c.id for c in comments]


def _count(factory: sessionmaker[Session], *models: type) -> tuple[int, ...]:
    with factory() as session:
        return tuple(session.scalar(select(func.count()).select_from(m)) or 0 for m in models)


def test_a_campaign_of_500_letters_is_proposed_merged_and_answered_once(
    client: TestClient, staff: StaffFixture, session_factory: sessionmaker[Session]
) -> None:
    draft_id = open_consultation(client, staff.headers("editor"))
    campaign = _plant(session_factory, draft_id, [CAMPAIGN] * 500)
    alike = _plant(session_factory, draft_id, [ALIKE.format(n) for n in ("张", "李某", "王")])
    _plant(session_factory, draft_id, ["另一条完全不同的意见。", "第三条应当删除。"])

    with session_factory() as session:
        proposals = groups.propose_groups(session, draft_id)
    assert [(p.comment_ids, p.identical) for p in proposals] == [
        (campaign, True),
        (alike, False),
    ]

    csrf = sign_in(client, "editor")
    page = client.get(f"/staff/consultations/{draft_id}/groups")
    assert "500 条内容相同的意见" in page.text and "3 条内容相似的意见" in page.text

    tables = (CommentGroup, CommentGroupMember, AuditEvent, OutboxMessage)
    before = _count(session_factory, *tables)
    one = client.post(
        f"/staff/consultations/{draft_id}/groups",
        data={"csrf_token": csrf, "title": "单条", "comment_ids": [str(campaign[0])]},
    )
    assert one.status_code == 422 and "请至少选择两条意见合并。" in one.text
    assert _count(session_factory, *tables) == before

    made = client.post(
        f"/staff/consultations/{draft_id}/groups",
        data={
            "csrf_token": csrf,
            "title": "停车收费联名信",
            "comment_ids": [str(i) for i in campaign],
        },
        follow_redirects=False,
    )
    assert made.status_code == 303
    with session_factory() as session:
        group_id = session.scalars(select(CommentGroup.id)).one()
    again = client.post(
        f"/staff/consultations/{draft_id}/groups",
        data={
            "csrf_token": csrf,
            "title": "重复",
            "comment_ids": [str(campaign[0]), str(alike[0])],
        },
    )
    assert again.status_code == 409 and f"编号为{campaign[0]}的意见已在其他分组中" in again.text

    before = _count(session_factory, *tables)
    no_reason = client.post(
        f"/staff/consultations/{draft_id}/groups/{group_id}/answer",
        data={"csrf_token": csrf, "disposition": "partly_adopted", "reason": " "},
    )
    assert no_reason.status_code == 422
    assert _count(session_factory, *tables) == before

    answered = client.post(
        f"/staff/consultations/{draft_id}/groups/{group_id}/answer",
        data={
            "csrf_token": csrf,
            "disposition": "partly_adopted",
            "reason": "上下学时段免费停车。",
        },
        follow_redirects=False,
    )
    assert answered.status_code == 303
    with session_factory() as session:
        answers = session.execute(
            select(Comment.disposition, Comment.answer_text, func.count())
            .where(Comment.id.in_(campaign))
            .group_by(Comment.disposition, Comment.answer_text)
        ).all()
        assert [tuple(a) for a in answers] == [("partly_adopted", "上下学时段免费停车。", 500)]
        told = session.scalars(
            select(OutboxMessage.recipient).where(
                OutboxMessage.event == "consultation.comment.answered"
            )
        ).all()
        assert len(set(told)) == 500  # each commenter, once
        assert session.scalars(
            select(AuditEvent).where(AuditEvent.action == "consultation.group.create")
        ).one()
    assert (
        "共 500 条意见，已答复 500 条" in client.get(f"/staff/consultations/{draft_id}/groups").text
    )

    # answered comments are no longer proposed; a merge can be undone
    dissolved = client.post(
        f"/staff/consultations/{draft_id}/groups/{group_id}/dissolve",
        data={"csrf_token": csrf},
        follow_redirects=False,
    )
    assert dissolved.status_code == 303
    assert _count(session_factory, CommentGroup, CommentGroupMember) == (0, 0)
    with session_factory() as session:
        assert [p.comment_ids for p in groups.propose_groups(session, draft_id)] == [alike]


def test_staff_tag_filter_and_export_a_tag(
    client: TestClient, staff: StaffFixture, session_factory: sessionmaker[Session]
) -> None:
    draft_id = open_consultation(client, staff.headers("editor"))
    first, second, third = _plant(session_factory, draft_id, ["收费太高。", "泊位太少。", "其他。"])
    csrf = sign_in(client, "editor")

    before = _count(session_factory, CommentTag, AuditEvent)
    empty = client.post(
        f"/staff/consultations/{draft_id}/tags",
        data={"csrf_token": csrf, "tag": "  ", "comment_ids": [str(first)]},
    )
    assert empty.status_code == 422 and "请填写标签。" in empty.text
    comma = client.post(
        f"/staff/consultations/{draft_id}/tags",
        data={"csrf_token": csrf, "tag": "收费,泊位", "comment_ids": [str(first)]},
    )
    assert comma.status_code == 422 and "标签中不能有逗号。" in comma.text
    assert _count(session_factory, CommentTag, AuditEvent) == before

    tagged = client.post(
        f"/staff/consultations/{draft_id}/tags",
        data={"csrf_token": csrf, "tag": "停车收费", "comment_ids": [str(first), str(second)]},
        follow_redirects=False,
    )
    assert tagged.status_code == 303
    assert tagged.headers["location"].endswith("/tags?tag=%E5%81%9C%E8%BD%A6%E6%94%B6%E8%B4%B9")
    # full-width letters fold: "ＰＡＲＫ" is "PARK"
    client.post(
        f"/staff/consultations/{draft_id}/tags",
        data={"csrf_token": csrf, "tag": "ＰＡＲＫ", "comment_ids": [str(third)]},
    )
    page = client.get(f"/staff/consultations/{draft_id}/tags")
    assert "停车收费（2）" in page.text and "PARK（1）" in page.text
    filtered = client.get(f"/staff/consultations/{draft_id}/tags", params={"tag": "停车收费"})
    assert "收费太高。" in filtered.text and "其他。" not in filtered.text

    removed = client.post(
        f"/staff/consultations/{draft_id}/tags",
        data={"csrf_token": csrf, "tag": "停车收费", "op": "remove", "comment_ids": [str(second)]},
        follow_redirects=False,
    )
    assert removed.status_code == 303
    assert "停车收费（1）" in client.get(f"/staff/consultations/{draft_id}/tags").text

    url = f"/staff/consultations/{draft_id}/tagged.csv"
    assert client.get(url, params={"tag": "停车收费"}).status_code == 403  # an editor
    export = client.get(url, params={"tag": "停车收费"}, headers=staff.headers("reviewer"))
    assert export.status_code == 200
    rows = list(csv.DictReader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert [(r["编号"], r["意见内容"], r["电子邮箱"]) for r in rows] == [
        (str(first), "收费太高。", "writer0@example.cn")
    ]
    with session_factory() as session:
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "consultation.comments.export")
        ).one()
        assert event.actor_name == "reviewer" and "停车收费" in str(event.details)

    # staff's tags are theirs: not on the public page
    public = client.get(f"/consultations/{draft_id}")
    assert public.status_code == 200 and "停车收费" not in public.text
