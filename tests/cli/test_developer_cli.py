"""What a developer scripting the service meets (issue #18): `--version`, `--json` on
`staff list` and `ckan push`, and an unreachable CKAN said in seconds, not 96 s of silent
retries. The CKAN here is a closed port on this machine: the refusal is real, no mock."""

from __future__ import annotations

import json
import logging
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from publisher import __version__
from publisher.ckan.client import CkanClient, CkanUnreachable
from publisher.cli.main import app
from publisher.settings import get_settings

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    env = {
        "PUBLISHER_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}",
        "PUBLISHER_DATA_DIR": str(tmp_path / "var"),
        "PUBLISHER_DATASETS_DIR": str(PROJECT_ROOT / "datasets"),
        "PUBLISHER_CKAN_URL": f"http://127.0.0.1:{_closed_port()}",
        "PUBLISHER_CKAN_API_TOKEN": "token-for-a-ckan-that-is-not-there",
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    yield env
    get_settings.cache_clear()


def test_version_is_printed_by_the_real_command() -> None:
    done = subprocess.run(
        [sys.executable, "-c", "from publisher.cli.main import main; main()", "--version"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"publisher {__version__}"


def test_staff_list_as_json(cli_env: dict[str, str]) -> None:
    runner = CliRunner()
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    added = runner.invoke(
        app,
        [
            "staff",
            "add",
            "wang.fang",
            "--role",
            "reviewer",
            "--display-name",
            "王芳",
            "--password-stdin",
        ],
        input="a long enough password\n",
    )
    assert added.exit_code == 0, added.output
    listed = runner.invoke(app, ["staff", "list", "--json"])
    assert listed.exit_code == 0, listed.output
    assert json.loads(listed.stdout) == [
        {"username": "wang.fang", "role": "reviewer", "active": True, "display_name": "王芳"}
    ]


def test_ckan_push_dry_run_as_json(cli_env: dict[str, str]) -> None:
    result = CliRunner().invoke(app, ["ckan", "push", "--dry-run", "--json"])
    assert result.exit_code == 0, result.output
    printed = json.loads(result.stdout)
    assert printed["dry_run"] is True and printed["summary"] is None
    # the package's six datasets and two live tables (meetings, adoption summaries)
    assert printed["plan"]["create"] == 10 and len(printed["plan"]["steps"]) == 10
    assert printed["plan"]["steps"][0]["action"] == "create"


def test_an_unreachable_ckan_is_said_at_once(
    cli_env: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    """Issue #18: 96 s of silent retries, organization_show retried per dataset. (Each retry
    backs off 0.5 s, 1 s, 2 s…: six attempts of one call alone took 15 s.)"""
    caplog.set_level(logging.INFO, logger="publisher.ckan")
    started = time.monotonic()
    result = CliRunner().invoke(app, ["ckan", "push"])
    took = time.monotonic() - started
    assert result.exit_code == 2, result.output
    assert not [r for r in caplog.records if "retry" in r.getMessage()]  # not one retry
    assert took < 15, took  # migrating and reading the datasets included, on a busy machine
    assert "cannot be reached" in result.stderr and cli_env["PUBLISHER_CKAN_URL"] in result.stderr
    assert "\n错误：无法连接 CKAN" in result.stderr  # the office's staff read the second line
    assert "[1/" not in result.stderr  # no dataset was attempted

    as_json = CliRunner().invoke(app, ["ckan", "push", "--json"])
    assert as_json.exit_code == 2
    error = json.loads(as_json.stdout)["error"]
    assert error["code"] == "ckan_unreachable" and "无法连接 CKAN" in error["message_zh"]


def test_the_process_exits_in_seconds_on_a_closed_port(cli_env: dict[str, str]) -> None:
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", "from publisher.cli.main import main; main()", "ckan", "push"],
        capture_output=True,
        text=True,
        env={**os.environ, **cli_env},
        timeout=120,
        check=False,
    )
    assert done.returncode == 2, done.stderr
    assert time.monotonic() - started < 40  # before: 96 s (interpreter start-up included here)
    assert done.stderr.startswith("error: CKAN at http://127.0.0.1:")


def test_a_ckan_that_hangs_up_is_not_called_unreachable() -> None:
    """A reset or a bad answer shows something listens: the push's own retries handle it
    (the fault-proxy tests rely on that); only a connection that cannot be made stops it."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]

        def hang_up() -> None:
            connection, _ = server.accept()
            connection.close()

        closer = threading.Thread(target=hang_up)
        closer.start()
        CkanClient(f"http://127.0.0.1:{port}", "token").probe("the test's CKAN")  # no raise
        closer.join(10)
    with pytest.raises(CkanUnreachable) as refused:
        CkanClient(f"http://127.0.0.1:{_closed_port()}", "token").probe("the test's CKAN")
    assert refused.value.details["reason"] == "ConnectionError"
