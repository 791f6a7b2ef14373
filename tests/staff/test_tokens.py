"""API tokens: shown once, stored as a hash, revocable, expiring."""

from __future__ import annotations

import datetime as dt
import hashlib

from fastapi.testclient import TestClient
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from publisher.staff.models import ApiToken
from tests.support.staff import StaffFixture


def test_token_is_stored_only_as_its_hash(
    app_client: TestClient, staff: StaffFixture, db: Session
) -> None:
    response = app_client.post(
        "/api/v1/staff/accounts/editor/tokens",
        json={"name": "nightly export"},
        headers=staff.headers("admin"),
    )
    assert response.status_code == 201
    token = response.json()["token"]
    assert token.startswith("smx_") and len(token) > 40
    stored = db.scalars(select(ApiToken).where(ApiToken.name == "nightly export")).one()
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
    dump = " ".join(str(v) for row in db.execute(text("SELECT * FROM api_token")) for v in row)
    assert token not in dump
    # the listing never shows the token again
    listing = app_client.get("/api/v1/staff/tokens", headers=staff.headers("admin")).text
    assert token not in listing
    # and the new token works, with the editor's role
    me = app_client.get("/api/v1/staff/me", headers={"Authorization": f"Bearer {token}"})
    assert me.json()["role"] == "editor"


def test_revoked_token_is_refused(app_client: TestClient, staff: StaffFixture, db: Session) -> None:
    headers = staff.headers("editor")
    assert app_client.get("/api/v1/staff/me", headers=headers).status_code == 200
    token_id = db.scalars(
        select(ApiToken.id).where(ApiToken.prefix == staff.tokens["editor"][:10])
    ).one()
    revoked = app_client.delete(f"/api/v1/staff/tokens/{token_id}", headers=staff.headers("admin"))
    assert revoked.status_code == 200 and revoked.json()["revoked_at"]
    refused = app_client.get("/api/v1/staff/me", headers=headers)
    assert refused.status_code == 401
    assert refused.json()["error"]["message_zh"].startswith("API 令牌无效")


def test_expired_token_is_refused(app_client: TestClient, staff: StaffFixture, db: Session) -> None:
    soon = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=30)
    issued = app_client.post(
        "/api/v1/staff/accounts/editor/tokens",
        json={"name": "short", "expires_at": soon.isoformat()},
        headers=staff.headers("admin"),
    ).json()
    headers = {"Authorization": f"Bearer {issued['token']}"}
    assert app_client.get("/api/v1/staff/me", headers=headers).status_code == 200
    record = db.get(ApiToken, issued["id"])
    assert record is not None
    record.expires_at = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
    db.commit()
    assert app_client.get("/api/v1/staff/me", headers=headers).status_code == 401


def test_token_with_expiry_in_the_past_cannot_be_created(
    app_client: TestClient, staff: StaffFixture
) -> None:
    past = (dt.datetime.now(dt.UTC) - dt.timedelta(days=1)).isoformat()
    response = app_client.post(
        "/api/v1/staff/accounts/editor/tokens",
        json={"name": "x", "expires_at": past},
        headers=staff.headers("admin"),
    )
    assert response.status_code == 422
    assert response.json()["error"]["message_zh"] == "过期时间必须晚于现在。"


def test_malformed_authorization_header_is_401(app_client: TestClient) -> None:
    response = app_client.get("/api/v1/staff/me", headers={"Authorization": "Basic abc"})
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
