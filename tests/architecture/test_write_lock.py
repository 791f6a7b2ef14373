"""On SQLite every write of a staff action happens in a transaction begun IMMEDIATE.

SQLAlchemy silently ignores `BEGIN IMMEDIATE` asked of a transaction that has already begun:
when the cookie check read the request's session first, a consultation staff page then wrote
inside a DEFERRED transaction, so two concurrent actions could both read and the second fail
on the lock upgrade ("database is locked", a 500). Every BEGIN and every INSERT/UPDATE/DELETE
on the app's engine is recorded here, per connection, and each write must be IMMEDIATE.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event

from tests.support.bodies import comment_body, draft_body, notice_body
from tests.support.staff import StaffFixture, sign_in


class WriteLog:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.modes: dict[int, str] = {}
        self.writes: list[tuple[str | None, str]] = []
        self.recording = False

    def _key(self, conn: Any) -> int:
        return id(conn.connection.dbapi_connection)

    def before(self, conn: Any, _c: Any, statement: str, *_: Any) -> None:
        words = statement.split()
        verb = words[0].upper() if words else ""
        if verb == "BEGIN":
            self.modes[self._key(conn)] = words[1].upper() if len(words) > 1 else "DEFERRED"
        elif verb in ("INSERT", "UPDATE", "DELETE") and self.recording:
            self.writes.append((self.modes.get(self._key(conn)), " ".join(words[:3])))

    def end(self, conn: Any) -> None:
        self.modes.pop(self._key(conn), None)

    def not_immediate(self) -> list[tuple[str | None, str]]:
        return [w for w in self.writes if w[0] != "IMMEDIATE"]


@pytest.fixture
def write_log(client: TestClient, backend: str) -> Iterator[WriteLog]:
    if backend != "sqlite":
        pytest.skip("BEGIN IMMEDIATE is SQLite's write lock; PostgreSQL locks rows")
    engine: Engine = client.app.state.engine  # type: ignore[attr-defined]
    log = WriteLog(engine)
    event.listen(engine, "before_cursor_execute", log.before)
    event.listen(engine, "commit", log.end)
    event.listen(engine, "rollback", log.end)
    yield log
    event.remove(engine, "before_cursor_execute", log.before)
    event.remove(engine, "commit", log.end)
    event.remove(engine, "rollback", log.end)


def test_staff_page_and_api_writes_take_the_write_lock_first(
    client: TestClient, staff: StaffFixture, write_log: WriteLog
) -> None:
    editor, reviewer = staff.headers("editor"), staff.headers("reviewer")
    csrf = sign_in(client, "reviewer")
    write_log.recording = True
    draft_id = client.post("/api/v1/staff/consultations", json=draft_body(), headers=editor).json()[
        "id"
    ]
    client.post(f"/api/v1/consultations/{draft_id}/comments", json=comment_body())
    comment_id = client.get(
        f"/api/v1/staff/consultations/{draft_id}/comments", headers=editor
    ).json()[0]["id"]
    page_actions = [
        (f"/staff/consultations/{draft_id}/comments/{comment_id}/hide", {"reason": "重复"}),
        (
            f"/staff/consultations/{draft_id}/comments/{comment_id}/hide",
            {"hidden": "0", "reason": "误判"},
        ),
        (
            f"/staff/consultations/{draft_id}/answers",
            {"comment_ids": str(comment_id), "disposition": "adopted", "reason": "采纳"},
        ),
        (
            f"/staff/consultations/{draft_id}/extend",
            {"closes_at": "2026-12-10T00:00", "reason": "延长"},
        ),
    ]
    for path, data in page_actions:
        response = client.post(path, data={"csrf_token": csrf, **data}, follow_redirects=False)
        assert response.status_code == 303, (path, response.text)
    meeting = client.post("/staff/meetings", data={"csrf_token": csrf, **_form(notice_body())})
    assert meeting.status_code == 200, meeting.text  # followed to the notice page
    client.get(f"/api/v1/staff/consultations/{draft_id}/comments.csv", headers=reviewer)
    assert len(write_log.writes) >= 8
    assert write_log.not_immediate() == []


def _form(body: dict[str, Any]) -> dict[str, str]:
    return {
        k: (v[:16] if k.endswith(("_at", "_deadline")) else str(v))
        for k, v in body.items()
        if k != "media_allowed"
    }


def test_two_concurrent_staff_actions_queue_instead_of_failing(
    client: TestClient, staff: StaffFixture
) -> None:
    """Eight reviewers hide and show one comment at once: every request succeeds."""
    editor = staff.headers("editor")
    draft_id = client.post("/api/v1/staff/consultations", json=draft_body(), headers=editor).json()[
        "id"
    ]
    client.post(f"/api/v1/consultations/{draft_id}/comments", json=comment_body())
    comment_id = client.get(
        f"/api/v1/staff/consultations/{draft_id}/comments", headers=editor
    ).json()[0]["id"]
    url = f"/api/v1/staff/consultations/{draft_id}/comments/{comment_id}/hide"
    statuses: list[int] = []

    def act(i: int) -> None:
        body = {"hidden": i % 2 == 0, "reason": f"第{i}次"}
        statuses.append(client.post(url, json=body, headers=staff.headers("reviewer")).status_code)

    threads = [threading.Thread(target=act, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert statuses == [200] * 8
