"""The per-address comment limit holds under concurrency on both databases (it leaked on
PostgreSQL: 15–19 of 50 accepted where 10 was the limit); receipt look-ups are limited; the
comment keeps no network address, named or anonymous."""

from __future__ import annotations

import threading

from fastapi.testclient import TestClient
from sqlalchemy import func, inspect, select
from sqlalchemy.orm import Session, sessionmaker

from consultation import comments
from consultation.models import Comment
from consultation.vocabulary import Channel
from publisher.errors import TooManyRequests
from tests.support.bodies import comment_body, open_consultation
from tests.support.clock import local
from tests.support.staff import StaffFixture


def test_concurrent_comments_from_one_address_stop_at_the_limit(
    client: TestClient, staff: StaffFixture, session_factory: sessionmaker[Session]
) -> None:
    draft_id = open_consultation(client, staff.headers("editor"))
    outcomes: list[str] = []
    barrier = threading.Barrier(30)

    def submit(i: int) -> None:
        with session_factory() as session:
            barrier.wait()
            try:
                comments.submit_comment(
                    session,
                    draft_id,
                    comments.CommentInput(text=f"第{i}条意见", anonymous=True),
                    local(2026, 11, 24, 10),
                    requester="one-address",
                    channel=Channel.API,
                )
                outcomes.append("ok")
            except TooManyRequests:
                outcomes.append("limited")

    threads = [threading.Thread(target=submit, args=(i,)) for i in range(30)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["limited"] * 20 + ["ok"] * 10
    with session_factory() as session:
        assert session.scalar(select(func.count()).select_from(Comment)) == 10


def test_comments_keep_no_network_address(
    client: TestClient, staff: StaffFixture, session_factory: sessionmaker[Session]
) -> None:
    draft_id = open_consultation(client, staff.headers("editor"))
    url = f"/api/v1/consultations/{draft_id}/comments"
    assert client.post(url, json=comment_body()).status_code == 201
    anonymous = comment_body(text="匿名意见", phone="", anonymous=True)
    assert client.post(url, json=anonymous).status_code == 201
    with session_factory() as session:
        assert len(session.scalars(select(Comment)).all()) == 2
        columns = {
            c["name"] for c in inspect(session.connection()).get_columns(Comment.__tablename__)
        }
    assert not {name for name in columns if "ip" in name.split("_") or "address" in name}


def test_guessing_comment_receipts_is_limited(client: TestClient, staff: StaffFixture) -> None:
    draft_id = open_consultation(client, staff.headers("editor"))
    mine = client.post(f"/api/v1/consultations/{draft_id}/comments", json=comment_body())
    receipt = mine.json()["receipt_code"]
    guesser = {"X-Forwarded-For": "192.0.2.50"}
    misses = [
        client.get(f"/api/v1/comments/YJ-AAAAA-{n:05d}", headers=guesser).status_code
        for n in range(20)
    ]
    assert misses == [404] * 20
    page = client.post("/comments/status", data={"code": receipt}, headers=guesser)
    assert page.status_code == 429 and "Retry-After" in page.headers
    assert client.get(f"/api/v1/comments/{receipt}").status_code == 200
