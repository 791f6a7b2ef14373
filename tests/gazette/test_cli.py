"""`ingest gazette` through Typer's runner, a real subprocess, and a real local HTTP server."""

from __future__ import annotations

import functools
import json
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from typer.testing import CliRunner

from publisher.cli.ingest import ingest_app
from publisher.settings import PROJECT_ROOT, get_settings
from tests.gazette.corpus.build import HERE, REAL

runner = CliRunner()


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """A real HTTP server on 127.0.0.1 serving the bundled sources and the corpus."""
    handler = functools.partial(_QuietHandler, directory=str(REAL.parent.parent))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_json_from_a_file() -> None:
    result = runner.invoke(ingest_app, ["gazette", str(REAL), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["issue"]["id"] == "2019-02"
    assert len(data["documents"]) == 14
    assert [len(t["rows"]) for t in data["tables"]] == [13, 2, 6, 134]


def test_without_json_writes_the_data_package(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> None:
    # without --json the documents also go to the configured database: use a throwaway one
    monkeypatch.setenv("PUBLISHER_DATABASE_URL", f"sqlite:///{tmp_path / 'db.sqlite3'}")
    get_settings.cache_clear()
    request.addfinalizer(get_settings.cache_clear)
    result = runner.invoke(ingest_app, ["gazette", str(REAL), "--datasets-dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "14 篇文件" in result.stdout and "6 个数据集" in result.stdout
    assert (tmp_path / "sources" / REAL.name).read_bytes() == REAL.read_bytes()
    assert (tmp_path / "datapackage.json").is_file()
    again = runner.invoke(ingest_app, ["gazette", str(REAL), "--datasets-dir", str(tmp_path)])
    assert "已更新：无变化" in again.stdout


def test_missing_file_exits_2_with_one_line() -> None:
    result = runner.invoke(ingest_app, ["gazette", "/nonexistent/gazette.txt", "--json"])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and "cannot read" in result.stderr


def test_text_that_is_not_a_gazette_exits_2() -> None:
    result = runner.invoke(ingest_app, ["gazette", str(HERE / "not-a-gazette.txt"), "--json"])
    assert result.exit_code == 2
    assert "Not a gazette" in result.stderr and "不是政府公报" in result.stderr


def test_url(server: str) -> None:
    url = f"{server}/sources/{REAL.name}"
    result = runner.invoke(ingest_app, ["gazette", url, "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["issue"]["cumulative_number"] == 157


def test_url_404(server: str) -> None:
    result = runner.invoke(ingest_app, ["gazette", f"{server}/sources/missing.txt", "--json"])
    assert result.exit_code == 2
    assert "HTTP 404" in result.stderr and result.stderr.count("\n") == 1


def test_url_connection_refused() -> None:
    with socket.socket() as sock:  # a port that was free a moment ago and has no listener
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    result = runner.invoke(ingest_app, ["gazette", f"http://127.0.0.1:{port}/x.txt", "--json"])
    assert result.exit_code == 2
    assert "cannot fetch" in result.stderr and result.stderr.count("\n") == 1


def test_subprocess_run() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "publisher.cli.ingest", "gazette", str(REAL), "--json"],
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert len(json.loads(proc.stdout)["documents"]) == 14
    bad = subprocess.run(
        [sys.executable, "-m", "publisher.cli.ingest", "gazette", "/nonexistent.txt"],
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        timeout=120,
        check=False,
    )
    assert bad.returncode == 2 and bad.stderr.startswith("error: cannot read")
