"""Care mode (#22 item 2) over HTTP: the switch is a link that sets a cookie and goes back to
the same page (never elsewhere), the pages read the cookie server-side, and say so to caches."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient

from publisher.web.routes.care_mode import CARE_COOKIE, safe_return


def switch(page_html: str) -> tuple[str, str]:
    """(href, text) of the header's care-mode switch."""
    match = re.search(r'<a class="care-switch" href="([^"]+)"[^>]*>(.*?)</a>', page_html, re.S)
    assert match, "no care-mode switch in the header"
    text = re.sub(r"<[^>]+>", "", match.group(2)).strip()
    return match.group(1).replace("&amp;", "&"), text


def test_the_switch_turns_care_mode_on_and_off_on_the_same_page(app_client: TestClient) -> None:
    page = app_client.get("/meetings?page=1")
    assert '<html lang="zh-CN">' in page.text
    href, text = switch(page.text)
    assert text == "关怀版"
    assert parse_qs(urlsplit(href).query) == {"on": ["1"], "next": ["/meetings?page=1"]}

    turned = app_client.get(href, follow_redirects=False)
    assert turned.status_code == 303 and turned.headers["location"] == "/meetings?page=1"
    assert f"{CARE_COOKIE}=1" in turned.headers["set-cookie"]
    assert "HttpOnly" in turned.headers["set-cookie"]
    assert turned.headers["cache-control"] == "private, no-store"

    for path in ("/meetings?page=1", "/datasets", "/"):  # remembered across pages
        cared = app_client.get(path)
        assert '<html lang="zh-CN" class="care">' in cared.text
        href, text = switch(cared.text)
        assert text == "退出关怀版" and parse_qs(urlsplit(href).query)["on"] == ["0"]

    undone = app_client.get(href, follow_redirects=False)
    assert undone.status_code == 303 and undone.headers["location"] == "/"
    assert f'{CARE_COOKIE}=""' in undone.headers["set-cookie"]  # deleted
    assert '<html lang="zh-CN">' in app_client.get("/").text


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example/",
        "https://evil.example/",
        "/\\evil.example",
        "\\\\evil.example",
        "evil.example",
        "/%0d%0aSet-Cookie:x=1".replace("%0d%0a", "\r\n"),
        "/\tevil",
        "",
    ],
)
def test_the_switch_never_redirects_off_the_site(app_client: TestClient, target: str) -> None:
    assert safe_return(target) == "/"
    answer = app_client.get(
        "/care-mode", params={"on": "1", "next": target}, follow_redirects=False
    )
    assert answer.status_code == 303 and answer.headers["location"] == "/"


def test_a_path_with_its_query_is_kept(app_client: TestClient) -> None:
    answer = app_client.get(
        "/care-mode", params={"on": "1", "next": "/documents?x=1&y=中"}, follow_redirects=False
    )
    assert urlsplit(answer.headers["location"]).path == "/documents"


def test_pages_tell_shared_caches_they_vary_by_cookie(app_client: TestClient) -> None:
    page = app_client.get("/", headers={"Accept-Encoding": "gzip"})
    assert page.headers["cache-control"].startswith("public")
    varies = {v.strip().lower() for v in page.headers["vary"].split(",")}
    assert "cookie" in varies
    api = app_client.get("/api/v1/datasets")
    assert "cookie" not in api.headers.get("vary", "").lower()  # JSON does not vary by mode


def test_a_page_with_a_very_long_query_still_has_a_working_switch(app_client: TestClient) -> None:
    page = app_client.get("/datasets", params={"q": "长" * 1500})
    href, _ = switch(page.text)
    answer = app_client.get(href, follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == "/datasets"
