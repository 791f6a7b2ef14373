"""Group commit (#15 item 2): intakes are written by one writer per process, a batch of waiting
submissions per transaction, each in its own savepoint, answered only after the COMMIT. Real
SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from consultation import comments
from consultation.models import Comment
from consultation.vocabulary import Channel
from publisher.storage.group_commit import GroupWriter, writer_for
from tests.support.bodies import open_consultation
from tests.support.clock import local
from tests.support.staff import StaffFixture

NOW = local(2026, 11, 24, 10)


def _submit(
    session_factory: sessionmaker[Session], draft_id: int, i: int, key: str | None = None
) -> tuple[str, bool]:
    with session_factory() as session:
        comment, created = comments.submit_comment(
            session,
            draft_id,
            comments.CommentInput(text=f"第{i}条意见：建议增设停车位。", anonymous=True),
            NOW,
            requester=f"address-{i}",
            channel=Channel.API,
            idempotency_key=key,
        )
        return comment.receipt_code, created


def _in_threads(n: int, work: Callable[[int], object]) -> None:
    barrier = threading.Barrier(n)

    def run(i: int) -> None:
        barrier.wait()
        work(i)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def test_many_concurrent_comments_are_all_receipted_all_stored_and_grouped(
    client: TestClient,
    staff: StaffFixture,
    session_factory: sessionmaker[Session],
    engine: Engine,
) -> None:
    draft_id = open_consultation(client, staff.headers("editor"))
    receipts: list[str] = []
    _in_threads(60, lambda i: receipts.append(_submit(session_factory, draft_id, i)[0]))
    assert len(set(receipts)) == 60
    with session_factory() as session:
        stored = set(session.scalars(select(Comment.receipt_code)))
    assert stored == set(receipts)
    batches = list(writer_for(engine).batches)
    assert sum(batches) == 60 and max(batches) > 1, batches  # some commits held several


def test_the_same_key_at_once_stores_one_comment_and_gives_everyone_its_receipt(
    client: TestClient, staff: StaffFixture, session_factory: sessionmaker[Session]
) -> None:
    draft_id = open_consultation(client, staff.headers("editor"))
    answers: list[tuple[str, bool]] = []
    _in_threads(12, lambda i: answers.append(_submit(session_factory, draft_id, i, key="k-1")))
    assert len({code for code, _ in answers}) == 1
    assert sum(created for _, created in answers) == 1
    with session_factory() as session:
        assert session.scalar(select(func.count()).select_from(Comment)) == 1


def test_a_submission_refused_at_write_time_does_not_take_its_batch_down(
    client: TestClient,
    staff: StaffFixture,
    session_factory: sessionmaker[Session],
    engine: Engine,
) -> None:
    draft_id = open_consultation(client, staff.headers("editor"))
    taken = _submit(session_factory, draft_id, 0)[0]
    writer = GroupWriter(engine)
    holding, release = threading.Event(), threading.Event()

    def hold(session: Session) -> None:  # keeps the writer busy while the batch queues
        holding.set()
        release.wait(30)

    def insert(code: str) -> Callable[[Session], str]:
        def write(session: Session) -> str:
            row = Comment(draft_id=draft_id, receipt_code=code, channel="api", body="x")
            row.text_hash, row.submitted_at = "h", NOW
            session.add(row)
            session.flush()  # a receipt code already used: the unique constraint refuses it
            return code

        return write

    first = writer.submit(hold)
    assert holding.wait(30)
    batch: list[Future[object]] = [
        writer.submit(insert("YJ-GOOD1-00001")),
        writer.submit(insert(taken)),
        writer.submit(insert("YJ-GOOD2-00002")),
    ]
    release.set()
    first.result(30)
    assert batch[0].result(30) == "YJ-GOOD1-00001"
    with pytest.raises(IntegrityError):
        batch[1].result(30)
    assert batch[2].result(30) == "YJ-GOOD2-00002"
    assert list(writer.batches) == [1, 3]  # the three were one transaction
    with session_factory() as session:
        codes = set(session.scalars(select(Comment.receipt_code)))
    assert codes == {taken, "YJ-GOOD1-00001", "YJ-GOOD2-00002"}


def test_a_waiter_gone_before_its_write_began_is_not_written_and_the_writer_goes_on(
    engine: Engine,
) -> None:
    """An async request cancelled while it waits (its client went away) cancels its future:
    its write is skipped, as nobody could be given the receipt, and the writer lives on."""
    writer = GroupWriter(engine)
    holding, release = threading.Event(), threading.Event()
    written: list[str] = []

    def hold(session: Session) -> None:
        holding.set()
        release.wait(30)

    def note(name: str) -> Callable[[Session], str]:
        def write(session: Session) -> str:
            written.append(name)
            return name

        return write

    first = writer.submit(hold)
    assert holding.wait(30)
    gone = writer.submit(note("gone"))
    assert gone.cancel()  # still waiting: it can be cancelled
    release.set()
    first.result(30)
    assert writer.submit(note("later")).result(30) == "later"
    assert written == ["later"]


def test_a_batch_of_comments_reads_the_draft_once_and_each_comment_costs_a_few_statements(
    client: TestClient,
    staff: StaffFixture,
    session_factory: sessionmaker[Session],
    engine: Engine,
) -> None:
    """The writer's cost per comment (#15): the draft and its current version are read once
    per batch (`batch_memo`), each comment adds a fixed handful of statements."""
    draft_id = open_consultation(client, staff.headers("editor"))
    writer = GroupWriter(engine)
    holding, release = threading.Event(), threading.Event()

    def hold(session: Session) -> None:
        holding.set()
        release.wait(30)

    statements: list[str] = []

    def count(conn: object, cursor: object, sql: str, *args: object) -> None:
        statements.append(sql)

    first = writer.submit(hold)
    assert holding.wait(30)
    waiting = []
    for i in range(20):
        submission = comments.CommentSubmission.of(
            draft_id,
            comments.CommentInput(text=f"第{i}条意见：建议增设停车位。", anonymous=True),
            NOW,
            f"address-{i}",
            Channel.API,
            f"key-{i}",
        )
        waiting.append(writer.submit(submission.write))
    event.listen(engine, "before_cursor_execute", count)
    try:
        release.set()
        first.result(30)
        assert all(future.result(30)[1] for future in waiting)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert list(writer.batches)[-1] == 20
    versions = [s for s in statements if "FROM consultation_version" in s]
    drafts = [s for s in statements if "FROM consultation_draft" in s]
    assert len(versions) == 1 and len(drafts) == 1, (versions, drafts)
    # savepoint, near-duplicate, insert, (the limit's lock on PostgreSQL,) limit count, limit
    # hit, release: 6 or 7 a comment, and the batch's BEGIN, draft, version and COMMIT
    assert len(statements) <= 7 * 20 + 10, len(statements)
