"""Request bodies of a typical notice, draft and comment, each overridable field by field."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.support.clock import local


def notice_body(**overrides: Any) -> dict[str, Any]:
    """A complete plenary notice for Monday 2026-12-07 09:30."""
    body: dict[str, Any] = {
        "kind": "plenary",
        "title": "市政府第十次全体会议",
        "starts_at": local(2026, 12, 7, 9, 30).isoformat(),
        "ends_at": local(2026, 12, 7, 11, 30).isoformat(),
        "place": "市政府第一会议室",
        "agenda": "一、审议《三门峡市2027年民生实事方案》\n二、其他事项",
        "participation": "社会公众代表可于报名截止前在本页面申请列席。",
        "application_deadline": local(2026, 12, 4, 17, 0).isoformat(),
        "capacity": 3,
        "media_allowed": True,
    }
    body.update(overrides)
    return body


def draft_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "title": "三门峡市城区停车管理办法（征求意见稿）",
        "department": "市城市管理局",
        "draft_text": "第一条 为规范城区停车管理，制定本办法。\n第二条 本办法适用于市区。",
        "basis_text": "《中华人民共和国道路交通安全法》",
        "explanation_text": "起草说明：城区停车难问题突出。",
        "profile": "city",
        "opens_at": local(2026, 11, 23, 9, 0).isoformat(),
        "closes_at": local(2026, 12, 7, 0, 0).isoformat(),
        "publish_at": local(2026, 11, 23, 9, 0).isoformat(),
    }
    body.update(overrides)
    return body


def comment_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "text": "建议在学校周边增设临时停车位。",
        "section": "第二条",
        "name": "张三",
        "phone": "13912345678",
        "email": "",
        "consent_publish": True,
    }
    body.update(overrides)
    return body


def open_consultation(client: TestClient, headers: dict[str, str], **overrides: Any) -> int:
    response = client.post(
        "/api/v1/staff/consultations", json=draft_body(**overrides), headers=headers
    )
    assert response.status_code == 201, response.text
    return int(response.json()["id"])
