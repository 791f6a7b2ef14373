"""A draft's page and a gazette document's page list the public meetings that discussed them
(agenda documents or the outcome's links), and only those (issue #17 item 2)."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from publisher.documents.store import load_bundled_data
from publisher.settings import Settings
from tests.support.bodies import notice_body, open_consultation
from tests.support.clock import Clock, local

DOCUMENT = "2019-02-05"


def _meeting(client: TestClient, staff: Any, title: str, published: bool, draft_id: int) -> int:
    body = notice_body(title=title)
    if published:
        body["publication_at"] = local(2026, 11, 22, 9, 0).isoformat()
    made = client.post("/api/v1/staff/meetings", json=body, headers=staff.headers("editor"))
    assert made.status_code == 201, made.text
    meeting_id = int(made.json()["id"])
    items = [
        {"title": "其他事项"},
        {
            "title": "审议城区停车管理办法",
            "documents": [
                {
                    "kind": "consultation",
                    "label": "停车管理办法（征求意见稿）",
                    "url": str(draft_id),
                },
                {"kind": "gazette", "label": "三政办〔2018〕45号", "url": f"/documents/{DOCUMENT}"},
            ],
        },
    ]
    saved = client.put(
        f"/api/v1/staff/meetings/{meeting_id}/agenda",
        json={"items": items, "reason": "补充议题"},
        headers=staff.headers("editor"),
    )
    assert saved.status_code == 200, saved.text
    return meeting_id


def test_a_draft_and_a_document_list_the_meetings_that_discussed_them(
    client: TestClient, staff: Any, clock: Clock, settings: Settings, db: Session
) -> None:
    load_bundled_data(settings, db)
    draft_id = open_consultation(client, staff.headers("editor"))
    other_draft = open_consultation(client, staff.headers("editor"), title="另一个办法")
    shown = _meeting(client, staff, "市政府第十次全体会议", True, draft_id)
    _meeting(client, staff, "尚未公开的会议", False, draft_id)
    clock.now = local(2026, 11, 24, 10, 0)  # the drafts and the first meeting are public

    page = client.get(f"/consultations/{draft_id}").text
    assert '<h2 id="h-discussed">相关会议</h2>' in page
    assert f'href="/meetings/{shown}#item-2"' in page
    assert "市政府第十次全体会议（2026年12月7日 09:30）第2项：审议城区停车管理办法" in page
    assert "尚未公开的会议" not in page
    assert "相关会议" not in client.get(f"/consultations/{other_draft}").text
    document = client.get(f"/documents/{DOCUMENT}").text
    assert f'href="/meetings/{shown}#item-2"' in document and "尚未公开的会议" not in document

    clock.now = local(2026, 12, 7, 12, 0)  # after the meeting: its outcome links the draft too
    outcome = {
        "summary_kind": "minutes",
        "summary": "会议原则通过停车管理办法。",
        "decisions": {"2": "原则通过。"},
        "links": [
            {"kind": "consultation", "label": "停车管理办法", "url": f"/consultations/{draft_id}"}
        ],
    }
    put = client.put(
        f"/api/v1/staff/meetings/{shown}/outcome", json=outcome, headers=staff.headers("editor")
    )
    assert put.status_code == 200, put.text
    after = client.get(f"/consultations/{draft_id}").text
    assert f'会议结果：<a href="/meetings/{shown}#outcome">' in after

    withdrawn = client.post(
        f"/api/v1/staff/meetings/{shown}/withdraw",
        json={"reason": "误发"},
        headers=staff.headers("editor"),
    )
    assert withdrawn.status_code == 200, withdrawn.text  # a withdrawn notice links nothing
    assert f"/meetings/{shown}#" not in client.get(f"/consultations/{draft_id}").text
