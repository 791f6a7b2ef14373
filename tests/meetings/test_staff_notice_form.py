"""The staff notice form: one form model serves "prepare" and "edit"."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.support.staff import sign_in

FORM = {
    "kind": "executive",
    "title": "市政府常务会议",
    "starts_at": "2026-12-08T09:30",
    "ends_at": "2026-12-08T11:30",
    "place": "市政府第一会议室",
    "agenda": "审议事项",
    "participation": "在线申请",
    "capacity": "2",
}


def test_prepare_then_edit_through_the_page(client: TestClient, staff: Any) -> None:
    csrf = sign_in(client, "editor")
    created = client.post(
        "/staff/meetings", data={**FORM, "csrf_token": csrf}, follow_redirects=False
    )
    assert created.status_code == 303, created.text
    detail_url = created.headers["location"].split("?")[0]
    edited = client.post(
        detail_url,
        data={**FORM, "place": "市民之家三楼会议室", "withheld": "true", "csrf_token": csrf},
        follow_redirects=False,
    )
    assert edited.status_code == 303, edited.text
    meeting_id = detail_url.rsplit("/", 1)[-1]
    stored = client.get(
        f"/api/v1/staff/meetings/{meeting_id}", headers=staff.headers("editor")
    ).json()
    assert stored["place"] == "市民之家三楼会议室"
    assert stored["withheld"] is True and stored["kind"] == "executive"


def test_a_malformed_time_is_a_chinese_422(client: TestClient, staff: Any) -> None:
    csrf = sign_in(client, "editor")
    response = client.post(
        "/staff/meetings", data={**FORM, "starts_at": "明天", "csrf_token": csrf}
    )
    assert response.status_code == 422
    assert "开始时间格式不正确" in response.text


def test_an_absurd_application_id_in_a_page_form_is_422_not_500(
    client: TestClient, staff: Any
) -> None:
    csrf = sign_in(client, "editor")
    created = client.post(
        "/staff/meetings", data={**FORM, "csrf_token": csrf}, follow_redirects=False
    )
    detail_url = created.headers["location"].split("?")[0]
    response = client.post(
        f"{detail_url}/opinions",
        data={"csrf_token": csrf, "application_id": str(2**70), "body": "意见"},
    )
    assert response.status_code == 422
