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


# --- issue #14: implausible input, warnings, encodings ---------------------------------------


def _fresh_settings(monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest) -> None:
    """The CLI reads the process-wide settings: drop the cached ones now and after."""
    get_settings.cache_clear()
    request.addfinalizer(get_settings.cache_clear)


def test_a_file_over_the_size_limit_is_refused_before_parsing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> None:
    monkeypatch.setenv("PUBLISHER_GAZETTE_MAX_BYTES", "100000")
    _fresh_settings(monkeypatch, request)
    result = runner.invoke(ingest_app, ["gazette", str(REAL), "--json"])  # 117,558 bytes
    assert result.exit_code == 2
    assert "larger than 100000 bytes" in result.stderr and "超过 100000 字节" in result.stderr
    assert result.stdout == ""


def test_a_url_over_the_size_limit_is_refused(
    server: str, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> None:
    monkeypatch.setenv("PUBLISHER_GAZETTE_MAX_BYTES", "100000")
    _fresh_settings(monkeypatch, request)
    result = runner.invoke(ingest_app, ["gazette", f"{server}/sources/{REAL.name}", "--json"])
    assert result.exit_code == 2 and "larger than 100000 bytes" in result.stderr


def test_one_issue_repeated_is_refused(tmp_path: Path) -> None:
    text = REAL.read_text(encoding="utf-8")
    body = text[text.index("三门峡市人民政府 关于表彰全市交通运输系统") :]
    repeated = tmp_path / "repeated.txt"
    repeated.write_text(text + body * 3, encoding="utf-8")
    result = runner.invoke(ingest_app, ["gazette", str(repeated), "--json"])
    assert result.exit_code == 2
    assert "Implausible gazette text" in result.stderr and "文号重复出现" in result.stderr


def test_missing_contents_give_warnings_in_json_and_fail_under_strict() -> None:
    no_toc = HERE / "no-toc.txt"
    result = runner.invoke(ingest_app, ["gazette", str(no_toc), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["warnings"] == [
        "未找到目录（目 录）：文件按版式识别，栏目无法确定",
        "10 篇文件未归入栏目（目录中没有对应条目）",
    ]
    first = data["documents"][0]["title"]  # no masthead ("(内部资料免费赠阅)") glued on
    assert first == "三门峡市人民政府关于表彰全市交通运输系统先进单位和个人的决定"
    strict = runner.invoke(ingest_app, ["gazette", str(no_toc), "--json", "--strict"])
    assert strict.exit_code == 1
    assert "--strict: 2 warning(s)" in strict.stderr
    clean = runner.invoke(ingest_app, ["gazette", str(REAL), "--json", "--strict"])
    assert clean.exit_code == 0 and json.loads(clean.stdout)["warnings"] == []


def test_strict_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> None:
    monkeypatch.setenv("PUBLISHER_DATABASE_URL", f"sqlite:///{tmp_path / 'db.sqlite3'}")
    _fresh_settings(monkeypatch, request)
    out = tmp_path / "datasets"
    args = ["gazette", str(HERE / "no-toc.txt"), "--datasets-dir", str(out), "--strict"]
    result = runner.invoke(ingest_app, args)
    assert result.exit_code == 1
    assert "注意：未找到目录" in result.stdout
    assert not out.exists() and not (tmp_path / "db.sqlite3").exists()


@pytest.mark.parametrize("codec", ["gbk", "gb18030"])
def test_gbk_text_is_detected_and_read(tmp_path: Path, codec: str) -> None:
    path = tmp_path / "gazette-gbk.txt"
    path.write_bytes(REAL.read_text(encoding="utf-8").encode(codec))
    result = runner.invoke(ingest_app, ["gazette", str(path), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["encoding"] == "GB18030"
    assert len(data["documents"]) == 14
    assert data["documents"][0]["title"].startswith("三门峡市人民政府关于表彰")


def test_gbk_text_is_announced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> None:
    monkeypatch.setenv("PUBLISHER_DATABASE_URL", f"sqlite:///{tmp_path / 'db.sqlite3'}")
    _fresh_settings(monkeypatch, request)
    path = tmp_path / "gazette-gbk.txt"
    path.write_bytes(REAL.read_text(encoding="utf-8").encode("gbk"))
    args = ["gazette", str(path), "--datasets-dir", str(tmp_path / "out")]
    result = runner.invoke(ingest_app, args)
    assert result.exit_code == 0, result.output
    assert "编码：读取为 GB18030 编码（检测到" in result.stdout
    bundled = tmp_path / "out" / "sources" / REAL.name
    assert bundled.read_bytes() == REAL.read_bytes()  # bundled as UTF-8


def test_a_pdf_gets_the_hint_to_extract_its_text(tmp_path: Path) -> None:
    path = tmp_path / "gazette.pdf"
    path.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n")
    result = runner.invoke(ingest_app, ["gazette", str(path), "--json"])
    assert result.exit_code == 2
    assert "is a PDF" in result.stderr and "pdftotext" in result.stderr
    assert "PDF 文件" in result.stderr


def test_binary_input_is_refused_with_a_hint(tmp_path: Path) -> None:
    path = tmp_path / "image.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    result = runner.invoke(ingest_app, ["gazette", str(path), "--json"])
    assert result.exit_code == 2
    assert "is not UTF-8 or GBK/GB18030 text" in result.stderr and "另存为 UTF-8" in result.stderr
