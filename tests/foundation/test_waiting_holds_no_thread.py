"""Submissions waiting for their COMMIT hold no thread (#15): a burst of comments, or of
applications to attend, that must wait for the database (another process holds the write lock)
leaves the service's thread pool free, so every other page still answers at once; when the
lock is released every one is receipted. A real `publisher serve`, real SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import threading
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Connection, text

from bench._servers import calendar_covering
from publisher.storage.db import WRITE_OPTIONS, make_engine, make_session_factory
from publisher.timeutil import now_utc
from tests.foundation.test_group_commit_crash import _open_draft
from tests.harness.serve import serve_env, start_serve, stop
from tests.support.bodies import comment_body, notice_body
from tests.support.staff import StaffFixture

#: more than the thread pool's 40 threads: before #15, each waiting comment held one
WAITING = 60


def _open_meeting(base: str, editor: dict[str, str]) -> int:
    """A meeting on the real clock that takes applications for weeks (a plenary needs its
    notice 3 working days ahead: a month ahead holds over any holiday)."""
    now = now_utc()
    body = notice_body(
        starts_at=(now + dt.timedelta(days=30)).isoformat(),
        ends_at=(now + dt.timedelta(days=30, hours=2)).isoformat(),
        application_deadline=(now + dt.timedelta(days=20)).isoformat(),
        publication_at=now.isoformat(),
        capacity=1000,
    )
    created = httpx.post(f"{base}/api/v1/staff/meetings", json=body, headers=editor, timeout=30)
    assert created.status_code == 201, created.text
    return int(created.json()["id"])


def _comment(n: int) -> dict[str, object]:
    return comment_body(text=f"第{n}条意见：等待写入。")


def _application(n: int) -> dict[str, object]:
    return {
        "applicant_name": f"市民{n}",
        "phone": f"139{n:08d}",
        "category": "citizen",
        "statement": "关注老旧小区改造。",
    }


@pytest.mark.parametrize("intake", ["comments", "applications"])
def test_submissions_waiting_for_the_lock_leave_pages_answering(
    db_url: str, tmp_path: Path, intake: str
) -> None:
    engine = make_engine(db_url)
    editor = StaffFixture(make_session_factory(engine)).headers("editor")
    env = serve_env(
        db_url,
        tmp_path / "var",
        PUBLISHER_CALENDAR_DIR=str(calendar_covering(tmp_path / "cal")),
        PUBLISHER_OUTBOX_WORKER="false",
    )
    answers: list[int] = []
    with (tmp_path / "serve.log").open("wb") as log:
        process, base = start_serve(env, log)
        try:
            if intake == "comments":
                page_path = f"/consultations/{_open_draft(base, editor)}"
                url, body_of = f"{base}/api/v1{page_path}/comments", _comment
            else:
                page_path = f"/meetings/{_open_meeting(base, editor)}"
                url, body_of = f"{base}/api/v1{page_path}/applications", _application
            with engine.connect() as blocker:
                _hold_the_write_lock(blocker)

                def post(n: int) -> None:
                    address = {"X-Forwarded-For": f"10.9.{n >> 8 & 255}.{n & 255}"}
                    answer = httpx.post(url, json=body_of(n), headers=address, timeout=60)
                    answers.append(answer.status_code)

                threads = [threading.Thread(target=post, args=(n,)) for n in range(WAITING)]
                for thread in threads:
                    thread.start()
                time.sleep(2)  # every comment has reached the writer and waits
                assert answers == []  # nothing answered before its COMMIT
                started = time.monotonic()
                page = httpx.get(f"{base}{page_path}", timeout=30)
                took = time.monotonic() - started
                assert page.status_code == 200
                assert took < 3, f"a page waited {took:.1f} s behind {intake} waiting to be written"
                blocker.rollback()  # the lock is released: the writer goes on
            for thread in threads:
                thread.join(60)
        finally:
            stop(process)
    engine.dispose()
    assert answers == [201] * WAITING


def _hold_the_write_lock(connection: Connection) -> None:
    """Take what the writer needs: SQLite's write lock; on PostgreSQL, the intakes' tables in
    a mode that lets reads through and stops inserts."""
    if connection.dialect.name == "sqlite":
        connection.execution_options(**WRITE_OPTIONS).execute(text("SELECT 1"))  # BEGIN IMMEDIATE
    else:
        for table in ("consultation_comment", "meeting_application"):
            connection.execute(text(f"LOCK TABLE {table} IN EXCLUSIVE MODE"))
