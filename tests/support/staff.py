"""Staff accounts for tests: one per role, each with a password and an API token."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from publisher.staff import service
from publisher.staff.principal import StaffPrincipal
from publisher.staff.roles import Role
from publisher.staff.secrets import password_hasher


class StaffFixture:
    """One account per role, each with a password and an API token."""

    PASSWORD = "correct horse battery"

    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        setup = StaffPrincipal(None, "test-setup", "test", Role.ADMIN, "cli")
        self.tokens: dict[str, str] = {}
        with session_factory() as session:
            for role in Role:
                account = service.create_account(
                    session,
                    setup,
                    role.value,
                    role,
                    f"测试{role.label_zh}",
                    self.PASSWORD,
                    hasher=password_hasher("cheapest-for-tests"),
                )
                self.tokens[role.value] = service.create_token(
                    session, setup, account, "tests"
                ).token
            session.commit()

    def headers(self, role: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[role]}"}


def sign_in(client: TestClient, username: str, password: str = StaffFixture.PASSWORD) -> str:
    """Sign in through the real form; returns the CSRF token of the new session."""
    page = client.get("/staff/login")
    login_csrf = re.search(r'name="login_csrf" value="([^"]+)"', page.text)
    assert login_csrf is not None
    response = client.post(
        "/staff/login",
        data={"username": username, "password": password, "login_csrf": login_csrf.group(1)},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    dashboard = client.get("/staff/")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', dashboard.text)
    assert csrf is not None
    return csrf.group(1)
