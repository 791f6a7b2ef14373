"""Fixtures for consultation tests: a settable clock and a helper that opens a consultation."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from fastapi.testclient import TestClient

from publisher.timeutil import LOCAL_TZ


class FakeClock:
    """The injected clock: tests move it instead of sleeping."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now

    def set(self, *args: int) -> None:
        self.now = local(*args)


def local(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, second, tzinfo=LOCAL_TZ)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(local(2026, 11, 23, 9, 0))


@pytest.fixture
def client(app_client: TestClient, clock: FakeClock) -> TestClient:
    app_client.app.state.clock = clock  # type: ignore[attr-defined]
    return app_client


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
        "publish_at": local(2026, 11, 23, 8, 0).isoformat(),
    }
    body.update(overrides)
    return body


def open_consultation(client: TestClient, headers: dict[str, str], **overrides: Any) -> int:
    response = client.post(
        "/api/v1/staff/consultations", json=draft_body(**overrides), headers=headers
    )
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


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
