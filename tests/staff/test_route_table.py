"""Every staff route refuses strangers (401) and weaker roles (403).

The expected table below is the contract: a staff route added to the app without a line here
fails `test_every_staff_route_is_listed`, so nobody ships an unchecked staff route.
"""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from publisher.web.app import iter_api_routes
from tests.support.staff import StaffFixture

STAFF_PREFIXES = ("/api/v1/staff", "/staff")
# Staff-area routes that must be reachable before signing in.
PUBLIC_STAFF_ROUTES = {("GET", "/staff/login"), ("POST", "/staff/login")}

COMMENT_FILES = "/staff/consultations/{draft_id}/comments/{comment_id}/attachments"

EXPECTED_ROLE: dict[tuple[str, str], str] = {
    ("GET", "/api/v1/staff/me"): "editor",
    ("GET", "/api/v1/staff/accounts"): "admin",
    ("POST", "/api/v1/staff/accounts"): "admin",
    ("GET", "/api/v1/staff/tokens"): "admin",
    ("POST", "/api/v1/staff/accounts/{username}/tokens"): "admin",
    ("DELETE", "/api/v1/staff/tokens/{token_id}"): "admin",
    ("GET", "/api/v1/staff/audit"): "admin",
    ("GET", "/api/v1/staff/audit.csv"): "admin",
    ("POST", "/staff/logout"): "editor",
    ("GET", "/staff/"): "editor",
    ("GET", "/staff/queue/{key}"): "editor",
    ("GET", "/staff/consultations/{draft_id}/offline-comments"): "editor",
    ("POST", "/staff/consultations/{draft_id}/offline-comments"): "editor",
    ("GET", "/staff/consultations/{draft_id}/comments/{comment_id}/publication"): "reviewer",
    ("POST", "/staff/consultations/{draft_id}/comments/{comment_id}/publication"): "reviewer",
    ("POST", "/staff/consultations/{draft_id}/comments/{comment_id}/unpublish"): "reviewer",
    ("GET", "/staff/consultations/{draft_id}/comments/{comment_id}/attachments"): "editor",
    (
        "GET",
        "/staff/consultations/{draft_id}/comments/{comment_id}/attachments/{attachment_id}",
    ): "editor",
    (
        "POST",
        "/staff/consultations/{draft_id}/comments/{comment_id}/attachments/{attachment_id}/approve",
    ): "reviewer",
    (
        "POST",
        "/staff/consultations/{draft_id}/comments/{comment_id}/attachments/{attachment_id}/withdraw",
    ): "reviewer",
    ("GET", "/staff/consultations/{draft_id}/tags"): "editor",
    ("POST", "/staff/consultations/{draft_id}/tags"): "editor",
    ("GET", "/staff/consultations/{draft_id}/tagged.csv"): "reviewer",
    ("GET", "/staff/consultations/{draft_id}/groups"): "editor",
    ("POST", "/staff/consultations/{draft_id}/groups"): "editor",
    ("POST", "/staff/consultations/{draft_id}/groups/{group_id}/answer"): "editor",
    ("POST", "/staff/consultations/{draft_id}/groups/{group_id}/dissolve"): "editor",
    ("GET", "/api/v1/staff/queue"): "editor",
    ("GET", "/staff/accounts"): "admin",
    ("POST", "/staff/accounts"): "admin",
    ("GET", "/staff/calendar"): "admin",
    ("POST", "/staff/calendar/preview"): "admin",
    ("POST", "/staff/calendar/install"): "admin",
    ("POST", "/staff/accounts/{account_username}/tokens"): "admin",
    ("POST", "/staff/tokens/{token_id}/revoke"): "admin",
    ("GET", "/staff/audit"): "admin",
    ("GET", "/staff/inspection"): "reviewer",
    ("GET", "/staff/inspection.csv"): "reviewer",
    ("GET", "/api/v1/staff/inspection"): "reviewer",
    ("GET", "/staff/audit.csv"): "admin",
    ("POST", "/api/v1/staff/documents/{doc_id}/status"): "editor",
    ("GET", "/staff/documents"): "editor",
    ("GET", "/staff/documents/{doc_id}"): "editor",
    ("POST", "/staff/documents/{doc_id}"): "editor",
    ("GET", "/api/v1/staff/outbox"): "editor",
    ("POST", "/api/v1/staff/outbox/{message_id}/retry"): "editor",
    ("GET", "/staff/outbox"): "editor",
    ("POST", "/staff/outbox/{message_id}/retry"): "editor",
    ("GET", "/api/v1/staff/meetings"): "editor",
    ("POST", "/api/v1/staff/meetings"): "editor",
    ("GET", "/api/v1/staff/meetings/{meeting_id}"): "editor",
    ("PATCH", "/api/v1/staff/meetings/{meeting_id}"): "editor",
    ("POST", "/api/v1/staff/meetings/{meeting_id}/publish"): "editor",
    ("POST", "/api/v1/staff/meetings/{meeting_id}/cancel"): "editor",
    ("POST", "/api/v1/staff/meetings/{meeting_id}/withdraw"): "editor",
    ("GET", "/api/v1/staff/meetings/{meeting_id}/applications"): "reviewer",
    ("GET", "/api/v1/staff/meetings/{meeting_id}/applications.csv"): "reviewer",
    (
        "POST",
        "/api/v1/staff/meetings/{meeting_id}/applications/{application_id}/decision",
    ): "reviewer",
    ("GET", "/api/v1/staff/meetings/{meeting_id}/opinions"): "editor",
    ("POST", "/api/v1/staff/meetings/{meeting_id}/opinions"): "editor",
    ("POST", "/api/v1/staff/meetings/{meeting_id}/opinions/{opinion_id}/assign"): "editor",
    ("POST", "/api/v1/staff/meetings/{meeting_id}/opinions/{opinion_id}/answer"): "editor",
    ("PUT", "/api/v1/staff/meetings/{meeting_id}/agenda"): "editor",
    ("POST", "/api/v1/staff/meetings/{meeting_id}/agenda/{item}/attachments"): "editor",
    ("GET", "/api/v1/staff/meetings/{meeting_id}/attendance"): "reviewer",
    ("POST", "/api/v1/staff/meetings/{meeting_id}/checkin"): "reviewer",
    ("PUT", "/api/v1/staff/meetings/{meeting_id}/outcome"): "editor",
    ("GET", "/staff/meetings"): "editor",
    ("POST", "/staff/meetings"): "editor",
    ("GET", "/staff/meetings/{meeting_id}"): "editor",
    ("POST", "/staff/meetings/{meeting_id}"): "editor",
    ("GET", "/staff/meetings/{meeting_id}/press"): "editor",
    ("GET", "/staff/meetings/{meeting_id}/press.pdf"): "editor",
    ("POST", "/staff/meetings/{meeting_id}/publish"): "editor",
    ("POST", "/staff/meetings/{meeting_id}/cancel"): "editor",
    ("POST", "/staff/meetings/{meeting_id}/withdraw"): "editor",
    ("POST", "/staff/meetings/{meeting_id}/applications/{application_id}/decision"): "reviewer",
    ("GET", "/staff/meetings/{meeting_id}/applications.csv"): "reviewer",
    ("POST", "/staff/meetings/{meeting_id}/opinions"): "editor",
    ("POST", "/staff/meetings/{meeting_id}/opinions/{opinion_id}/assign"): "editor",
    ("POST", "/staff/meetings/{meeting_id}/opinions/{opinion_id}/answer"): "editor",
    ("GET", "/staff/meetings/{meeting_id}/agenda"): "editor",
    ("POST", "/staff/meetings/{meeting_id}/agenda"): "editor",
    ("POST", "/staff/meetings/{meeting_id}/agenda/{item}/attachments"): "editor",
    ("GET", "/staff/meetings/{meeting_id}/checkin"): "reviewer",
    ("POST", "/staff/meetings/{meeting_id}/checkin"): "reviewer",
    ("GET", "/staff/meetings/{meeting_id}/outcome"): "editor",
    ("POST", "/staff/meetings/{meeting_id}/outcome"): "editor",
    ("GET", "/api/v1/staff/consultations"): "editor",
    ("POST", "/api/v1/staff/consultations"): "editor",
    ("GET", "/api/v1/staff/consultations/{draft_id}"): "editor",
    ("POST", "/api/v1/staff/consultations/{draft_id}/publish"): "editor",
    ("POST", "/api/v1/staff/consultations/{draft_id}/extend"): "editor",
    ("GET", "/api/v1/staff/consultations/{draft_id}/tags"): "editor",
    ("POST", "/api/v1/staff/consultations/{draft_id}/tags"): "editor",
    ("POST", "/api/v1/staff/consultations/{draft_id}/tags/remove"): "editor",
    ("GET", "/api/v1/staff/consultations/{draft_id}/groups"): "editor",
    ("POST", "/api/v1/staff/consultations/{draft_id}/groups"): "editor",
    ("POST", "/api/v1/staff/consultations/{draft_id}/groups/{group_id}/answer"): "editor",
    ("POST", "/api/v1/staff/consultations/{draft_id}/groups/{group_id}/dissolve"): "editor",
    (
        "POST",
        "/api/v1/staff/consultations/{draft_id}/comments/{comment_id}/publication",
    ): "reviewer",
    ("POST", "/api/v1/staff/consultations/{draft_id}/comments/{comment_id}/unpublish"): "reviewer",
    ("GET", "/api/v1/staff/consultations/{draft_id}/comments"): "editor",
    ("POST", "/api/v1/staff/consultations/{draft_id}/comments"): "editor",
    ("POST", "/api/v1/staff/consultations/{draft_id}/answers"): "editor",
    ("POST", "/api/v1/staff/consultations/{draft_id}/attachments"): "editor",
    ("POST", "/api/v1/staff/consultations/{draft_id}/comments/{comment_id}/hide"): "reviewer",
    ("POST", "/api/v1/staff/consultations/{draft_id}/summary"): "reviewer",
    ("GET", "/api/v1/staff/consultations/{draft_id}/comments.csv"): "reviewer",
    ("POST", "/api/v1/staff/consultations/{draft_id}/versions"): "editor",
    ("POST", "/api/v1/staff/consultations/{draft_id}/final-text"): "reviewer",
    ("GET", "/staff/consultations"): "editor",
    ("POST", "/staff/consultations"): "editor",
    ("GET", "/staff/consultations/{draft_id}"): "editor",
    ("GET", "/staff/consultations/{draft_id}/press"): "editor",
    ("GET", "/staff/consultations/{draft_id}/press.pdf"): "editor",
    ("GET", "/staff/consultations/{draft_id}/outcome"): "reviewer",
    ("POST", "/staff/consultations/{draft_id}/outcome"): "reviewer",
    ("POST", "/staff/consultations/{draft_id}/publish"): "editor",
    ("POST", "/staff/consultations/{draft_id}/extend"): "editor",
    ("POST", "/staff/consultations/{draft_id}/answers"): "editor",
    ("POST", "/staff/consultations/{draft_id}/attachments"): "editor",
    ("POST", "/staff/consultations/{draft_id}/comments/{comment_id}/hide"): "reviewer",
    ("POST", "/staff/consultations/{draft_id}/summary"): "reviewer",
    ("GET", "/staff/consultations/{draft_id}/comments.csv"): "reviewer",
    ("GET", "/staff/consultations/{draft_id}/versions"): "editor",
    ("POST", "/staff/consultations/{draft_id}/versions"): "editor",
    ("POST", "/staff/consultations/{draft_id}/final-text"): "reviewer",
}
WEAKER = {"reviewer": "editor", "admin": "reviewer"}


def staff_routes() -> set[tuple[str, str]]:
    found = set()
    for route in iter_api_routes():
        if route.path.startswith(STAFF_PREFIXES):
            for method in (route.methods or set()) - {"HEAD"}:
                found.add((method, route.path))
    return found - PUBLIC_STAFF_ROUTES


def concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "1", path)


def test_every_staff_route_is_listed() -> None:
    assert staff_routes() == set(EXPECTED_ROLE)


@pytest.mark.parametrize(("method", "path"), sorted(EXPECTED_ROLE))
def test_without_credentials_is_401(
    app_client: TestClient, staff: object, method: str, path: str
) -> None:
    response = app_client.request(method, concrete(path))
    assert response.status_code == 401


@pytest.mark.parametrize(("method", "path"), sorted(EXPECTED_ROLE))
def test_with_a_bad_token_is_401(app_client: TestClient, method: str, path: str) -> None:
    response = app_client.request(
        method, concrete(path), headers={"Authorization": "Bearer smx_not-a-real-token"}
    )
    assert response.status_code == 401


@pytest.mark.parametrize(
    ("method", "path"), sorted(k for k, role in EXPECTED_ROLE.items() if role in WEAKER)
)
def test_with_a_weaker_role_is_403(
    app_client: TestClient, staff: StaffFixture, method: str, path: str
) -> None:
    weaker = WEAKER[EXPECTED_ROLE[(method, path)]]
    response = app_client.request(method, concrete(path), headers=staff.headers(weaker))
    assert response.status_code == 403
    assert "角色" in response.text
