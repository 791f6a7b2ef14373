"""An applicant's status page tells the truth about the meeting: cancelled or withdrawn above
an approval that no longer applies, and a new time above the approval it was given with."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.meetings.test_applications import application, open_notice
from tests.support.clock import local

NOTE = "请于12月7日9时前凭身份证到三号楼一楼登记"


def approved(client: TestClient, staff: Any) -> tuple[int, str]:
    mid = open_notice(client, staff)
    receipt = client.post(f"/api/v1/meetings/{mid}/applications", json=application()).json()[
        "receipt_code"
    ]
    [queued] = client.get(
        f"/api/v1/staff/meetings/{mid}/applications", headers=staff.headers("reviewer")
    ).json()
    decided = client.post(
        f"/api/v1/staff/meetings/{mid}/applications/{queued['id']}/decision",
        json={"approve": True, "note": NOTE},
        headers=staff.headers("reviewer"),
    )
    assert decided.status_code == 200
    return mid, receipt


@pytest.mark.parametrize(
    ("action", "reason", "label"),
    [("cancel", "议题调整，另行通知", "取消理由"), ("withdraw", "依法需要保密", "撤回理由")],
)
def test_an_approval_for_a_meeting_that_will_not_take_place_reads_cancelled(
    client: TestClient, staff: Any, action: str, reason: str, label: str
) -> None:
    mid, receipt = approved(client, staff)
    assert NOTE in client.get(f"/a/{receipt}").text  # before: the instructions stand
    done = client.post(
        f"/api/v1/staff/meetings/{mid}/{action}",
        json={"reason": reason},
        headers=staff.headers("editor"),
    )
    assert done.status_code == 200, done.text
    page = client.get(f"/a/{receipt}")
    assert page.status_code == 200
    assert "会议已取消" in page.text and f"{label}：{reason}" in page.text
    assert page.text.index("会议已取消") < page.text.index("已同意")
    assert NOTE not in page.text  # the instructions to come no longer stand
    assert 'action="/applications/opinions"' not in page.text
    status = client.get(f"/api/v1/applications/{receipt}").json()
    assert status["meeting_status"] == ("cancelled" if action == "cancel" else "withdrawn")
    assert status["meeting_end_reason"] == reason
    posted = client.post("/applications/status", data={"receipt_code": receipt})
    assert "会议已取消" in posted.text


def test_a_moved_meeting_shows_its_new_time_above_the_approval(
    client: TestClient, staff: Any
) -> None:
    mid, receipt = approved(client, staff)
    assert "会议时间或地点已变更" not in client.get(f"/a/{receipt}").text
    moved = client.patch(
        f"/api/v1/staff/meetings/{mid}",
        json={
            "starts_at": local(2026, 12, 8, 14, 30).isoformat(),
            "ends_at": local(2026, 12, 8, 16, 30).isoformat(),
            "reason": "因工作安排调整",
        },
        headers=staff.headers("editor"),
    )
    assert moved.status_code == 200, moved.text
    page = client.get(f"/a/{receipt}").text
    assert "会议时间或地点已变更" in page and "现定于2026年12月8日 14:30" in page
    assert page.index("现定于2026年12月8日 14:30") < page.index("已同意") < page.index(NOTE)
    assert client.get(f"/api/v1/applications/{receipt}").json()["meeting_moved"] is True


def test_the_short_link_of_an_unknown_code_is_a_refusal_not_an_error(client: TestClient) -> None:
    page = client.get("/a/CH-00000-00000")
    assert page.status_code == 404 and "未找到" in page.text
