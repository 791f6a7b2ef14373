"""What `PUBLISHER_SECRET_KEY` is for (issue #18: documented as signing cookies and CSRF
tokens, which it never did): it keys the digests under which rate limits count addresses."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from publisher.settings import Settings, settings_markdown
from publisher.throttle.limits import address_digest
from publisher.throttle.models import ThrottleHit
from tests.support.bodies import comment_body, draft_body
from tests.support.clock import CONSULTATIONS_NOW
from tests.support.staff import StaffFixture


def test_rate_limits_count_addresses_under_the_key(
    app_client: TestClient, staff: StaffFixture, settings: Settings, db: Session
) -> None:
    app_client.app.state.clock = lambda: CONSULTATIONS_NOW  # type: ignore[attr-defined]
    draft = app_client.post(
        "/api/v1/staff/consultations", json=draft_body(), headers=staff.headers("editor")
    )
    sent = app_client.post(
        f"/api/v1/consultations/{draft.json()['id']}/comments",
        json=comment_body(),
        headers={"X-Forwarded-For": "203.0.113.7"},
    )
    assert sent.status_code == 201, sent.text
    subjects = set(db.scalars(select(ThrottleHit.subject)))
    assert address_digest(settings.secret_key, "203.0.113.7") in subjects
    assert address_digest("another key", "203.0.113.7") not in subjects
    assert not any("203.0.113" in s for s in subjects)


def test_the_reference_says_what_the_key_does() -> None:
    described = settings_markdown().split("PUBLISHER_SECRET_KEY", 1)[1].split("\n", 1)[0]
    assert "rate limits" in described and "signs session cookies" not in described
