"""The blob store (#21 item 1): uploaded bytes by content, in the database on PostgreSQL and
on disk on SQLite, written and read by chunk; shared by processes with separate data dirs."""

from __future__ import annotations

import hashlib
import os
import threading
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from publisher.blobs.models import Blob, BlobChunk
from publisher.blobs.store import (
    CHUNK_BYTES,
    DatabaseBlobStore,
    DiskBlobStore,
    blob_store,
)
from publisher.settings import Settings
from publisher.web.app import create_app
from tests.consultation.test_attachments import make_pdf, upload
from tests.support.bodies import open_consultation
from tests.support.clock import CONSULTATIONS_NOW, Clock
from tests.support.staff import StaffFixture


def _count(engine: Engine, table: type[Blob] | type[BlobChunk]) -> int:
    with engine.connect() as connection:
        return int(connection.scalar(select(func.count()).select_from(table)) or 0)


def test_auto_is_the_database_on_postgresql_and_disk_on_sqlite(
    engine: Engine, settings: Settings, backend: str
) -> None:
    store = blob_store("auto", engine, settings.data_dir)
    assert store.name == ("database" if backend == "postgresql" else "disk")
    assert isinstance(blob_store("database", engine, settings.data_dir), DatabaseBlobStore)
    assert isinstance(blob_store("disk", engine, settings.data_dir), DiskBlobStore)


@pytest.mark.parametrize("kind", ["database", "disk"])
def test_bytes_come_back_identical_in_chunks_and_are_stored_once(
    engine: Engine, settings: Settings, kind: str
) -> None:
    store = blob_store(kind, engine, settings.data_dir)
    data = os.urandom(3 * CHUNK_BYTES + 12345)
    digest = store.put(data)
    assert digest == hashlib.sha256(data).hexdigest()
    found = store.find(digest)
    assert found is not None and found.size == len(data)
    chunks = list(found.iter_chunks())
    assert len(chunks) == 4 and all(len(chunk) <= CHUNK_BYTES for chunk in chunks)
    assert b"".join(chunks) == data
    assert store.put(data) == digest  # the same content again: stored once
    assert store.find("0" * 64) is None
    if kind == "database":
        assert _count(engine, Blob) == 1 and _count(engine, BlobChunk) == 4


def test_a_download_from_the_database_holds_one_chunk_at_a_time(engine: Engine) -> None:
    store = DatabaseBlobStore(engine)
    data = os.urandom(24 * CHUNK_BYTES)  # 6 MB
    digest = store.put(data)
    del data
    found = store.find(digest)
    assert found is not None
    hasher = hashlib.sha256()
    tracemalloc.start()
    try:
        for chunk in found.iter_chunks():
            hasher.update(chunk)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert hasher.hexdigest() == digest
    assert peak < 6 * CHUNK_BYTES, peak  # a few chunks' worth, never the 6 MB whole


def test_two_processes_storing_the_same_content_at_once_both_succeed(engine: Engine) -> None:
    data = os.urandom(2 * CHUNK_BYTES)
    results: list[str] = []
    errors: list[BaseException] = []

    def put() -> None:
        try:
            results.append(DatabaseBlobStore(engine).put(data))
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=put) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors and len(set(results)) == 1 and len(results) == 4
    assert _count(engine, Blob) == 1 and _count(engine, BlobChunk) == 2


@pytest.fixture
def two_machines(settings: Settings, tmp_path: Path) -> Iterator[tuple[TestClient, TestClient]]:
    """Two app instances on one database, each with its own data dir (as on two machines)."""
    apps = [
        create_app(settings.model_copy(update={"data_dir": tmp_path / name}))
        for name in ("machine-a", "machine-b")
    ]
    clients = [TestClient(app, base_url="http://testserver") for app in apps]
    for app in apps:
        app.state.clock = Clock(CONSULTATIONS_NOW)
    with clients[0], clients[1]:
        yield clients[0], clients[1]
    for app in apps:
        app.state.engine.dispose()


@pytest.mark.parametrize("backend", ["postgresql"])
def test_uploaded_through_one_machine_downloaded_identical_through_the_other(
    two_machines: tuple[TestClient, TestClient], staff: StaffFixture, tmp_path: Path
) -> None:
    a, b = two_machines
    draft_id = open_consultation(a, staff.headers("editor"))
    pdf = make_pdf("Parking rules basis") + os.urandom(CHUNK_BYTES)  # over a chunk; still a PDF
    uploaded = upload(a, staff, draft_id, "决策依据", "依据.pdf", pdf)
    listed = b.get(f"/api/v1/consultations/{draft_id}").json()["attachments"]
    got = b.get(listed[0]["download_url"], headers={"Accept-Encoding": "identity"})
    assert got.status_code == 200
    assert got.content == pdf and hashlib.sha256(got.content).hexdigest() == uploaded["sha256"]
    assert got.headers["content-length"] == str(len(pdf))
    assert got.headers["etag"] == f'"{uploaded["sha256"]}"'
    again = b.get(listed[0]["download_url"], headers={"If-None-Match": got.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    assert not (tmp_path / "machine-a" / "attachments").exists()  # nothing in a data dir


@pytest.mark.parametrize("backend", ["postgresql"])
def test_on_disk_the_other_machine_does_not_have_the_file(
    two_machines: tuple[TestClient, TestClient], staff: StaffFixture, settings: Settings
) -> None:
    """What the database store fixes: with `disk`, B answers 404 (and logs the missing blob)."""
    a, b = two_machines
    for client in (a, b):
        app = client.app
        app.state.blob_store = DiskBlobStore(app.state.settings.data_dir)  # type: ignore[attr-defined]
    draft_id = open_consultation(a, staff.headers("editor"))
    upload(a, staff, draft_id, "决策依据", "依据.pdf", make_pdf("basis"))
    listed = b.get(f"/api/v1/consultations/{draft_id}").json()["attachments"]
    assert a.get(listed[0]["download_url"]).status_code == 200
    assert b.get(listed[0]["download_url"]).status_code == 404


def test_an_upload_to_a_draft_that_does_not_exist_stores_no_bytes(
    client: TestClient, staff: StaffFixture, engine: Engine, settings: Settings
) -> None:
    response = client.post(
        "/api/v1/staff/consultations/99999/attachments",
        data={"title": "决策依据"},
        files={"file": ("依据.pdf", make_pdf("basis"), "application/octet-stream")},
        headers=staff.headers("editor"),
    )
    assert response.status_code == 404, response.text
    assert _count(engine, Blob) == 0
    assert not (settings.data_dir / "attachments").exists()
