"""Health for a proxy (#21 item 5): `/readyz` says why a process cannot serve, requests that
need a database that is gone answer 503 with Retry-After within seconds, the process recovers
by itself when the database returns, and `publisher serve` refuses a schema not at head."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from publisher.settings import PROJECT_ROOT, Settings
from publisher.storage.db import make_engine
from publisher.storage.migrate import code_heads, downgrade, schema_state, upgrade
from publisher.web.app import create_app
from tests.harness.postgres import PostgresServer, free_port


def _client(settings: Settings) -> TestClient:
    app = create_app(settings)
    return TestClient(app, base_url="http://testserver", raise_server_exceptions=False)


def test_readyz_is_ok_at_head_and_names_the_schema(app_client: TestClient) -> None:
    response = app_client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["schema"] == sorted(code_heads())
    assert response.headers["cache-control"] == "no-store"


def test_readyz_says_when_the_schema_is_behind_and_what_to_run(
    settings: Settings, engine: Engine
) -> None:
    downgrade(engine, "0010")
    with _client(settings) as client:
        response = client.get("/readyz")
        assert response.status_code == 503
        assert response.headers["retry-after"] == "5"
        error = response.json()["error"]
        assert error["code"] == "schema_not_at_head"
        assert "publisher db upgrade" in error["message"]
        assert "publisher db upgrade" in error["message_zh"] and "数据库" in error["message_zh"]
        assert error["details"]["current"] == ["0010"]
        upgrade(engine)
        assert client.get("/readyz").status_code == 200


def test_readyz_says_the_database_cannot_be_reached(settings: Settings) -> None:
    gone = settings.model_copy(
        update={"database_url": f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/smx"}
    )
    with _client(gone) as client:
        response = client.get("/readyz")
        assert response.status_code == 503
        error = response.json()["error"]
        assert error["code"] == "database_unreachable"
        assert "无法访问" in error["message_zh"]
        assert client.get("/healthz").status_code == 200


@pytest.fixture
def silent_host() -> Iterator[int]:
    """A port where the kernel completes the TCP handshake but nobody ever answers: what a
    database machine that hangs (or a firewall that drops) looks like to a client."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    try:
        yield listener.getsockname()[1]
    finally:
        listener.close()  # resets the connections left in the backlog


def test_a_database_that_never_answers_is_a_503_within_seconds(
    settings: Settings, silent_host: int
) -> None:
    hung = settings.model_copy(
        update={
            "database_url": f"postgresql+psycopg://postgres@127.0.0.1:{silent_host}/smx",
            "db_connect_timeout_seconds": 2.0,
        }
    )
    results: dict[str, tuple[int, float]] = {}

    def ask(client: TestClient, path: str) -> None:
        started = time.monotonic()
        status = client.get(path).status_code
        results[path] = (status, time.monotonic() - started)

    # no `with`: leaving a client's context waits for its requests, and a hung one never ends
    client = _client(hung)
    threads = [
        threading.Thread(target=ask, args=(client, path), daemon=True)
        for path in ("/api/v1/meetings", "/meetings", "/readyz")
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=15)
    assert client.get("/healthz").status_code == 200
    assert set(results) == {"/api/v1/meetings", "/meetings", "/readyz"}, "a request hung"
    for path, (status, seconds) in results.items():
        assert status == 503, path
        assert seconds < 5, (path, seconds)


def test_postgres_stopped_then_back_the_process_serves_again_by_itself(
    own_postgres: PostgresServer, settings: Settings
) -> None:
    url = own_postgres.url()
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    with _client(settings.model_copy(update={"database_url": url})) as client:
        assert client.get("/api/v1/meetings").status_code == 200
        assert client.get("/readyz").status_code == 200

        own_postgres.stop()
        started = time.monotonic()
        api = client.get("/api/v1/meetings")
        page = client.get("/meetings")
        assert time.monotonic() - started < 5
        assert api.status_code == 503 and api.headers["retry-after"] == "5"
        assert "稍后再试" in api.json()["error"]["message_zh"]
        assert page.status_code == 503 and "稍后再试" in page.text
        assert client.get("/readyz").status_code == 503
        assert client.get("/healthz").status_code == 200

        own_postgres.start()
        back = time.monotonic()
        while client.get("/api/v1/meetings").status_code != 200:
            assert time.monotonic() - back < 20, "the process did not recover within 20 s"
            time.sleep(0.2)
        assert client.get("/readyz").status_code == 200


def test_schema_state_tells_behind_from_at_head(engine: Engine) -> None:
    assert schema_state(engine).at_head
    downgrade(engine, "0010")
    state = schema_state(engine)
    assert not state.at_head and state.current == {"0010"}
    problem = state.problem()
    assert problem is not None and "publisher db upgrade" in problem.message_en


def test_a_database_migrated_by_a_newer_version_is_not_told_to_upgrade(engine: Engine) -> None:
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    problem = schema_state(engine).problem()
    assert problem is not None
    assert "newer than this version" in problem.message_en
    assert "publisher db upgrade" not in problem.message_en and "新版本" in problem.message_zh


def _serve(database_url: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("PUBLISHER_")},
        "PUBLISHER_DATABASE_URL": database_url,
        "PUBLISHER_DATA_DIR": str(data_dir),
        "PUBLISHER_PORT": str(free_port()),
    }
    return subprocess.run(
        [sys.executable, "-m", "publisher.cli", "serve"],
        env=env,
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_serve_refuses_an_empty_database_and_says_which_command_to_run(
    empty_db_url: str, tmp_path: Path
) -> None:
    result = _serve(empty_db_url, tmp_path / "var")
    assert result.returncode == 2, result.stdout + result.stderr
    assert "publisher db upgrade" in result.stderr
    assert "数据库" in result.stderr
    assert "running at" not in result.stdout


def test_serve_refuses_a_database_it_cannot_reach(tmp_path: Path) -> None:
    result = _serve(f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/smx", tmp_path)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "cannot reach the database" in result.stderr and "无法连接数据库" in result.stderr


def test_serve_starts_once_migrated(empty_db_url: str, tmp_path: Path) -> None:
    """`publisher db upgrade`, then `publisher serve` listens (checked through /readyz)."""
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("PUBLISHER_")},
        "PUBLISHER_DATABASE_URL": empty_db_url,
        "PUBLISHER_DATA_DIR": str(tmp_path / "var"),
    }
    cli = [sys.executable, "-m", "publisher.cli"]
    subprocess.run([*cli, "db", "upgrade"], env=env, cwd=PROJECT_ROOT, check=True, timeout=120)
    port = free_port()
    process = subprocess.Popen(
        [*cli, "serve", "--port", str(port)],
        env=env,
        cwd=PROJECT_ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                ready = httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=2)
                break
            except httpx.TransportError:
                assert process.poll() is None, "serve exited"
                assert time.monotonic() < deadline
                time.sleep(0.2)
        assert ready.status_code == 200
    finally:
        process.terminate()
        process.wait(30)
