"""`publisher blobs migrate` (#21 item 1): a machine's attachment files move into the database,
idempotently; a damaged file is reported and not moved; the moved files are then served from
the database to any machine."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from typer.testing import CliRunner

from publisher.blobs.models import Blob
from publisher.blobs.store import CHUNK_BYTES, DatabaseBlobStore, DiskBlobStore
from publisher.cli.main import app as cli
from publisher.settings import Settings, get_settings
from publisher.web.app import create_app
from tests.consultation.test_attachments import make_pdf, upload
from tests.support.bodies import open_consultation
from tests.support.clock import CONSULTATIONS_NOW, Clock
from tests.support.staff import StaffFixture


def _migrate(settings: Settings, data_dir: Path) -> tuple[int, str]:
    env = {
        "PUBLISHER_DATABASE_URL": settings.effective_database_url,
        "PUBLISHER_DATA_DIR": str(data_dir),
        "PUBLISHER_BLOB_STORE": "database",
    }
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(cli, ["blobs", "migrate"], env=env)
    finally:
        get_settings.cache_clear()
    return result.exit_code, result.output


def _blobs(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.scalar(select(func.count()).select_from(Blob)) or 0)


def test_files_move_into_the_database_once_and_are_then_served_from_it(
    settings: Settings, staff: StaffFixture, engine: Engine, tmp_path: Path
) -> None:
    machine = tmp_path / "old-machine"
    disk = create_app(settings.model_copy(update={"data_dir": machine, "blob_store": "disk"}))
    disk.state.clock = Clock(CONSULTATIONS_NOW)
    pdf = make_pdf("basis") + os.urandom(2 * CHUNK_BYTES)
    with TestClient(disk, base_url="http://testserver") as client:
        draft_id = open_consultation(client, staff.headers("editor"))
        uploaded = upload(client, staff, draft_id, "决策依据", "依据.pdf", pdf)
        url = client.get(f"/api/v1/consultations/{draft_id}").json()["attachments"][0][
            "download_url"
        ]
    disk.state.engine.dispose()
    (machine / "attachments" / ".upload-leftover").write_bytes(b"a temp file")
    assert _blobs(engine) == 0

    code, output = _migrate(settings, machine)
    assert code == 0, output
    assert "1 moved into the database, 0 already there, 0 damaged" in output
    assert "移入数据库 1 个" in output
    code, output = _migrate(settings, machine)  # again: nothing to do
    assert code == 0 and "0 moved into the database, 1 already there" in output
    assert _blobs(engine) == 1

    shared = create_app(
        settings.model_copy(update={"data_dir": tmp_path / "new-machine", "blob_store": "database"})
    )
    shared.state.clock = Clock(CONSULTATIONS_NOW)
    with TestClient(shared, base_url="http://testserver") as client:
        got = client.get(url)
        assert got.status_code == 200 and got.content == pdf
        assert hashlib.sha256(got.content).hexdigest() == uploaded["sha256"]
    shared.state.engine.dispose()


def test_a_damaged_file_is_reported_and_not_moved(
    settings: Settings, engine: Engine, tmp_path: Path
) -> None:
    disk = DiskBlobStore(tmp_path)
    good = disk.put(b"good bytes")
    bad = disk.put(b"bytes before the disk failed")
    disk.path(bad).write_bytes(b"bytes after the disk failed")
    code, output = _migrate(settings, tmp_path)
    assert code == 1
    assert "1 moved into the database, 0 already there, 1 damaged" in output
    assert f"not moved: {bad}" in output
    store = DatabaseBlobStore(engine)
    assert store.find(good) is not None and store.find(bad) is None
