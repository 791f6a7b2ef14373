"""For the tests of the group writer: hold it busy while a test queues submissions, so they
are written as one batch."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session

from publisher.storage.group_commit import GroupWriter


@contextmanager
def writer_held(writer: GroupWriter) -> Iterator[None]:
    """Keeps the writer busy with a first submission while the block queues more, so that
    they are written as one batch when the block ends."""
    holding, release = threading.Event(), threading.Event()

    def hold(session: Session) -> None:
        holding.set()
        release.wait(30)

    first = writer.submit(hold)
    assert holding.wait(30)
    try:
        yield
    finally:
        release.set()
        first.result(30)
