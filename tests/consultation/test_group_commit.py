"""Group commit (#15 item 2): intakes are written by one writer per process, a batch of waiting
submissions per transaction (a savepoint each only when one is refused), answered only after
the COMMIT. Real
SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from consultation import comments
from consultation.models import Comment
from consultation.vocabulary import Channel
from publisher.storage.group_commit import GroupWriter, writer_for
from tests.support.bodies import open_consultation
from tests.support.clock import local
from tests.support.memory import statements_run
from tests.support.staff import StaffFixture
from tests.support.writer import writer_held

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


def _insert(
    draft_id: int, code: str, refuse: bool = False, runs: list[str] | None = None
) -> Callable[[Session], str]:
    """A write adding a comment with this receipt code (a code already used: the unique
    constraint refuses it); with `refuse`, it raises after writing."""

    def write(session: Session) -> str:
        if runs is not None:
            runs.append(code)
        row = Comment(draft_id=draft_id, receipt_code=code, channel="api", body="x")
        row.text_hash, row.submitted_at = "h", NOW
        session.add(row)
        session.flush()
        if refuse:
            raise LookupError("refused after writing")
        return code

    return write


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
    with writer_held(writer):
        batch: list[Future[object]] = [
            writer.submit(_insert(draft_id, "YJ-GOOD1-00001")),
            writer.submit(_insert(draft_id, taken)),
            writer.submit(_insert(draft_id, "YJ-GOOD2-00002")),
        ]
    assert batch[0].result(30) == "YJ-GOOD1-00001"
    with pytest.raises(IntegrityError):
        batch[1].result(30)
    assert batch[2].result(30) == "YJ-GOOD2-00002"
    assert list(writer.batches) == [1, 3]  # the three were one transaction
    with session_factory() as session:
        codes = set(session.scalars(select(Comment.receipt_code)))
    assert codes == {taken, "YJ-GOOD1-00001", "YJ-GOOD2-00002"}


def test_a_refusal_after_its_writes_takes_only_its_own_rows_and_the_next_batch_is_careful(
    client: TestClient,
    staff: StaffFixture,
    session_factory: sessionmaker[Session],
    engine: Engine,
) -> None:
    """A batch is first written without savepoints; a submission that raises after writing
    (a limit refusing after the insert) has the batch written again with a savepoint each:
    its rows go, the others' stay, and each is answered once. The batch after it is written
    with savepoints straight away; a clean one after that without."""
    draft_id = open_consultation(client, staff.headers("editor"))
    writer = GroupWriter(engine)
    runs: list[str] = []

    def insert(code: str, refuse: bool = False) -> Callable[[Session], str]:
        return _insert(draft_id, code, refuse, runs)

    def savepoints(statements: list[str]) -> int:
        return sum("SAVEPOINT" in s.upper() for s in statements)

    with statements_run(engine) as statements:
        with writer_held(writer):
            batch = [
                writer.submit(insert("YJ-GOOD1-00001")),
                writer.submit(insert("YJ-BAD00-00002", refuse=True)),
                writer.submit(insert("YJ-GOOD2-00003")),
            ]
        assert batch[0].result(30) == "YJ-GOOD1-00001"
        with pytest.raises(LookupError):
            batch[1].result(30)
        assert batch[2].result(30) == "YJ-GOOD2-00003"
        first_try, second_try = runs[:2], runs[2:]
        assert first_try == ["YJ-GOOD1-00001", "YJ-BAD00-00002"]  # stopped at the refusal
        assert second_try == ["YJ-GOOD1-00001", "YJ-BAD00-00002", "YJ-GOOD2-00003"]
        assert savepoints(statements) == 3 * 2  # written again, careful
        statements.clear()
        assert writer.submit(insert("YJ-NEXT1-00004")).result(30) == "YJ-NEXT1-00004"
        assert savepoints(statements) == 2  # still careful
        statements.clear()
        assert writer.submit(insert("YJ-NEXT2-00005")).result(30) == "YJ-NEXT2-00005"
        assert savepoints(statements) == 0  # refusals stopped
    assert list(writer.batches) == [1, 3, 1, 1]
    with session_factory() as session:
        codes = set(session.scalars(select(Comment.receipt_code)))
    assert codes == {"YJ-GOOD1-00001", "YJ-GOOD2-00003", "YJ-NEXT1-00004", "YJ-NEXT2-00005"}


def test_a_waiter_gone_before_its_write_began_is_not_written_and_the_writer_goes_on(
    engine: Engine,
) -> None:
    """An async request cancelled while it waits (its client went away) cancels its future:
    its write is skipped, as nobody could be given the receipt, and the writer lives on."""
    writer = GroupWriter(engine)
    written: list[str] = []

    def note(name: str) -> Callable[[Session], str]:
        def write(session: Session) -> str:
            written.append(name)
            return name

        return write

    with writer_held(writer):
        gone = writer.submit(note("gone"))
        assert gone.cancel()  # still waiting: it can be cancelled
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
    with statements_run(engine) as statements:
        with writer_held(writer):
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
        assert all(future.result(30)[1] for future in waiting)
    assert list(writer.batches)[-1] == 20
    versions = [s for s in statements if "FROM consultation_version" in s]
    drafts = [s for s in statements if "FROM consultation_draft" in s]
    assert len(versions) == 1 and len(drafts) == 1, (versions, drafts)
    # a batch nobody refused has no savepoints (#15): the insert (which finds the
    # near-duplicate), (the limit's lock on PostgreSQL,) the limit's count-and-hit: 2 or 3 a
    # comment, and the batch's BEGIN, draft, version and COMMIT
    assert not [s for s in statements if "SAVEPOINT" in s.upper()]
    assert len(statements) <= 3 * 20 + 10, len(statements)
