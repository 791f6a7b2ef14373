"""The app skeleton: health, error mapping in both languages, request size limits."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_healthz_reaches_the_database(app_client: TestClient, backend: str) -> None:
    response = app_client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": backend}


def test_home_page_is_chinese(app_client: TestClient) -> None:
    response = app_client.get("/")
    assert response.status_code == 200
    assert '<html lang="zh-CN">' in response.text
    assert "重大会议预公开" in response.text


def test_unknown_api_path_is_json_with_both_languages(app_client: TestClient) -> None:
    response = app_client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    error = response.json()["error"]
    assert error["message"] and error["message_zh"] == "页面不存在"


def test_unknown_page_is_a_chinese_page(app_client: TestClient) -> None:
    response = app_client.get("/no-such-page")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "找不到该页面" in response.text


def test_oversized_request_gets_413_before_it_is_read(app_client: TestClient) -> None:
    response = app_client.post(
        "/api/v1/anything", content=b"x" * 2_000_000, headers={"content-type": "text/plain"}
    )
    assert response.status_code == 413
    assert "上限" in response.json()["error"]["message_zh"]
