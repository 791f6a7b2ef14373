"""Sign-in for the pages: cookie flags, CSRF on every state change, sign-out, throttling."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from publisher.settings import Settings
from publisher.staff.models import StaffSession
from publisher.throttle.models import ThrottleHit
from tests.support.staff import StaffFixture, sign_in


def _login_csrf(client: TestClient) -> str:
    match = re.search(r'name="login_csrf" value="([^"]+)"', client.get("/staff/login").text)
    assert match
    return match.group(1)


def test_session_cookie_flags(app_client: TestClient, staff: StaffFixture) -> None:
    token = _login_csrf(app_client)
    response = app_client.post(
        "/staff/login",
        data={"username": "editor", "password": staff.PASSWORD, "login_csrf": token},
        follow_redirects=False,
    )
    assert response.status_code == 303
    cookie = next(h for h in response.headers.get_list("set-cookie") if h.startswith("smx_staff="))
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie
    assert "Secure" not in cookie  # test environment; production sets Secure


def test_cookie_is_secure_in_production(settings: Settings, staff: StaffFixture) -> None:
    from publisher.web.app import create_app

    prod = settings.model_copy(update={"environment": "production", "secret_key": "x" * 40})
    with TestClient(create_app(prod), base_url="https://testserver") as client:
        token = _login_csrf(client)
        response = client.post(
            "/staff/login",
            data={"username": "editor", "password": staff.PASSWORD, "login_csrf": token},
            follow_redirects=False,
        )
    cookie = next(h for h in response.headers.get_list("set-cookie") if h.startswith("smx_staff="))
    assert "Secure" in cookie


def test_state_change_without_csrf_token_is_refused(
    app_client: TestClient, staff: StaffFixture
) -> None:
    csrf = sign_in(app_client, "admin")
    no_token = app_client.post("/staff/accounts", data={"username": "mallory", "role": "admin"})
    assert no_token.status_code == 403
    assert "CSRF" in no_token.text
    wrong = app_client.post(
        "/staff/accounts", data={"username": "mallory", "role": "admin", "csrf_token": "forged"}
    )
    assert wrong.status_code == 403
    ok = app_client.post(
        "/staff/accounts",
        data={"username": "newclerk", "role": "editor", "csrf_token": csrf},
        follow_redirects=False,
    )
    assert ok.status_code == 303
    assert "newclerk" in app_client.get("/staff/accounts").text
    assert "mallory" not in app_client.get("/staff/accounts").text


def test_login_form_needs_its_own_csrf_token(app_client: TestClient, staff: StaffFixture) -> None:
    response = app_client.post(
        "/staff/login", data={"username": "editor", "password": staff.PASSWORD, "login_csrf": "x"}
    )
    assert response.status_code == 403
    assert "smx_staff" not in app_client.cookies


def test_sign_out_ends_the_session(
    app_client: TestClient, staff: StaffFixture, db: Session
) -> None:
    csrf = sign_in(app_client, "editor")
    assert db.scalar(select(func.count()).select_from(StaffSession)) == 1
    assert app_client.post("/staff/logout", data={}).status_code == 403  # CSRF here too
    out = app_client.post("/staff/logout", data={"csrf_token": csrf}, follow_redirects=False)
    assert out.status_code == 303
    db.rollback()  # end this test's read snapshot to see the app's commit
    assert db.scalar(select(func.count()).select_from(StaffSession)) == 0
    assert app_client.get("/staff/", follow_redirects=False).status_code == 401


def test_unauthenticated_page_shows_the_login_form_with_401(app_client: TestClient) -> None:
    response = app_client.get("/staff/audit")
    assert response.status_code == 401
    assert "工作人员登录" in response.text
    assert 'name="next" value="/staff/audit"' in response.text


def test_repeated_failures_throttle_even_the_right_password(
    app_client: TestClient, staff: StaffFixture, db: Session
) -> None:
    for _ in range(5):
        response = app_client.post(
            "/staff/login",
            data={"username": "editor", "password": "wrong", "login_csrf": _login_csrf(app_client)},
        )
        assert response.status_code == 401
        assert "用户名或密码错误" in response.text
    # each failure is counted under the three sign-in limits, by a digest, never the address
    assert db.scalar(select(func.count()).select_from(ThrottleHit)) == 15
    assert "testclient" not in str(db.scalars(select(ThrottleHit.subject)).all())
    response = app_client.post(
        "/staff/login",
        data={
            "username": "editor",
            "password": staff.PASSWORD,
            "login_csrf": _login_csrf(app_client),
        },
    )
    assert response.status_code == 429
    assert "该账号在本网络地址登录失败过于频繁" in response.text
    assert int(response.headers["Retry-After"]) > 800
    # another account from the same address is not yet locked
    sign_in(app_client, "reviewer")


def test_unknown_user_and_wrong_password_look_the_same(
    app_client: TestClient, staff: StaffFixture
) -> None:
    a = app_client.post(
        "/staff/login",
        data={"username": "nobody", "password": "x" * 12, "login_csrf": _login_csrf(app_client)},
    )
    b = app_client.post(
        "/staff/login",
        data={"username": "editor", "password": "x" * 12, "login_csrf": _login_csrf(app_client)},
    )
    assert a.status_code == b.status_code == 401
    assert "用户名或密码错误" in a.text and "用户名或密码错误" in b.text
