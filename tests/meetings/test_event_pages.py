"""Staff pages of a meeting as an event: the agenda form, the door, the outcome form."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient

from publisher.meetings.web.event_pages import parse_documents
from tests.support.bodies import notice_body
from tests.support.clock import Clock, local
from tests.support.staff import sign_in


def test_document_lines_are_kind_label_link() -> None:
    (one, two) = parse_documents("征求意见稿 停车 办法 12\n\nattachment 方案 https://x.cn/a.pdf", 1)
    assert (one.kind.value, one.label, one.url) == ("consultation", "停车 办法", "12")
    assert (two.kind.value, two.label) == ("attachment", "方案")


def test_agenda_door_and_outcome_pages(client: TestClient, staff: Any, clock: Clock) -> None:
    body = notice_body(publication_at=local(2026, 11, 22, 9, 0).isoformat(), capacity=2)
    mid = client.post("/api/v1/staff/meetings", json=body, headers=staff.headers("editor")).json()[
        "id"
    ]
    csrf = sign_in(client, "reviewer")
    page = client.get(f"/staff/meetings/{mid}/agenda")
    assert page.status_code == 200 and page.text.count('<fieldset class="agenda-row">') == 2 + 3
    refused = client.post(
        f"/staff/meetings/{mid}/agenda",
        data={
            "csrf_token": csrf,
            "title": ["审议方案", ""],
            "description": ["", ""],
            "documents": ["说明 12", ""],
        },
    )
    assert refused.status_code == 422 and "类型 名称 链接" in refused.text
    saved = client.post(
        f"/staff/meetings/{mid}/agenda",
        data={
            "csrf_token": csrf,
            "title": ["审议方案", "研究停车", "", "其他事项"],
            "description": ["听取汇报", "", "", ""],
            "documents": ["征求意见稿 停车办法 12", "", "", ""],
            "reason": "议题调整",
        },
        follow_redirects=False,
    )
    assert saved.status_code == 303, saved.text
    public = client.get(f"/api/v1/meetings/{mid}").json()
    assert [i["title"] for i in public["agenda_items"]] == ["审议方案", "研究停车", "其他事项"]
    # the notice form sends the numbered list back unchanged: the items stay as they are
    detail = client.get(f"/staff/meetings/{mid}")
    assert "编辑议题（3 项）" in detail.text
    second_item = public["agenda_items"][1]["id"]
    applied = client.post(
        f"/api/v1/meetings/{mid}/applications",
        json={
            "applicant_name": "赵代表",
            "phone": "13712345678",
            "category": "deputy_or_member",
            "agenda_item_id": second_item,
        },
    ).json()
    assert "（关注第2项议题）" in client.get(f"/staff/meetings/{mid}").text
    (row,) = client.get(
        f"/api/v1/staff/meetings/{mid}/applications", headers=staff.headers("reviewer")
    ).json()
    approved = client.post(
        f"/staff/meetings/{mid}/applications/{row['id']}/decision",
        data={"csrf_token": csrf, "decision": "approve", "note": ""},
        follow_redirects=False,
    )
    assert approved.status_code == 303
    status = client.get(f"/api/v1/applications/{applied['receipt_code']}").json()
    code = status["checkin_code"]
    clock.now = local(2026, 12, 7, 9, 15)
    door = client.post(
        f"/staff/meetings/{mid}/checkin", data={"csrf_token": csrf, "code": code.lower()}
    )
    assert door.status_code == 200 and "签到成功" in door.text
    assert re.search(r'id="checked-in-count">1<', door.text) and "赵代表" in door.text
    unknown = client.post(f"/staff/meetings/{mid}/checkin", data={"csrf_token": csrf, "code": "x"})
    assert unknown.status_code == 422 and "没有该签到码" in unknown.text
    clock.now = local(2026, 12, 7, 12, 0)
    form = client.get(f"/staff/meetings/{mid}/outcome")
    assert form.status_code == 200 and "第 3 项“其他事项”的决定" in form.text
    published = client.post(
        f"/staff/meetings/{mid}/outcome",
        data={
            "csrf_token": csrf,
            "summary_kind": "report",
            "summary": "会议听取了汇报。",
            "decision": ["原则通过", "", ""],
            "links": "公报文件 实施方案 /documents/4",
        },
        follow_redirects=False,
    )
    assert published.status_code == 303, published.text
    shown = client.get(f"/meetings/{mid}").text
    assert "会议情况" in shown and "原则通过" in shown and 'href="/documents/4"' in shown
    assert "赵代表" not in shown
