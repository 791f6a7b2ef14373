"""The app skeleton: health, error mapping in both languages, request size limits."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_healthz_answers_without_the_database(app_client: TestClient, backend: str) -> None:
    response = app_client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": backend}


def test_readyz_reaches_the_database(app_client: TestClient, backend: str) -> None:
    response = app_client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["database"]) == ("ok", backend)


def test_home_page_is_chinese(app_client: TestClient) -> None:
    response = app_client.get("/")
    assert response.status_code == 200
    assert '<html lang="zh-CN">' in response.text
    assert "重大会议预公开" in response.text


def test_the_site_has_an_icon(app_client: TestClient) -> None:
    """Issue #18: /favicon.ico was a 404 on every first page view."""
    icon = app_client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.headers["content-type"] == "image/svg+xml"
    assert (
        icon.content.startswith(b"<svg")
        and icon.content == app_client.get("/static/favicon.svg").content
    )
    assert '<link rel="icon" href="/static/favicon.svg"' in app_client.get("/").text


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


def test_control_characters_are_refused_at_the_edge(app_client: TestClient) -> None:
    query = app_client.get("/feeds/consultations.rss?department=%00x")
    assert query.status_code == 422
    assert "控制字符" in query.json()["error"]["message_zh"]
    body = app_client.post(
        "/api/v1/consultations/1/comments",
        content=b'{"text": "a\\u0000b"}',
        headers={"content-type": "application/json"},
    )
    assert body.status_code == 422 and body.json()["error"]["code"] == "control_characters"
    form = app_client.post("/staff/login", data={"username": "a\x01", "password": "x"})
    assert form.status_code == 422


def test_ordinary_text_with_newlines_and_chinese_passes_the_guard(app_client: TestClient) -> None:
    response = app_client.get("/feeds/consultations.rss?department=市城市管理局")
    assert response.status_code == 200
    body = app_client.post(
        "/api/v1/consultations/999/comments",
        json={"text": "第一行\n第二行\t制表符 \\u0000 是普通文字"},
    )
    assert body.status_code == 404  # got past the guard to the route


def test_a_405_says_which_methods_are_allowed(app_client: TestClient) -> None:
    response = app_client.delete("/api/v1/meetings")
    assert response.status_code == 405
    assert response.headers["allow"] == "GET"
    assert response.json()["error"]["message_zh"] == "不支持该请求方法"
