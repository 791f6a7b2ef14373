"""The deployment's nginx (deploy/nginx.conf) in front of two `publisher serve` processes on
one PostgreSQL (#21 item 8): public reads come from its cache, personal and staff answers
never do, and when one process stops the other serves."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import httpx
import pytest

from bench._servers import calendar_covering, open_consultation_on
from tests.harness.nginx import check, run_nginx
from tests.harness.serve import serve_env, start_serve, stop


def test_the_deployment_nginx_configuration_is_valid(tmp_path: Path) -> None:
    result = check(tmp_path, ["127.0.0.1:1", "127.0.0.1:2"])
    assert result.returncode == 0, result.stderr


@pytest.fixture
def deployment(db_url: str, tmp_path: Path) -> Iterator[tuple[str, list[object], int]]:
    calendar = calendar_covering(tmp_path / "calendar")
    draft_id = open_consultation_on(db_url, calendar)
    with ExitStack() as stack:
        machines = []
        for name in ("a", "b"):
            log = stack.enter_context((tmp_path / f"{name}.log").open("wb"))
            env = serve_env(db_url, tmp_path / name, PUBLISHER_CALENDAR_DIR=str(calendar))
            machines.append(start_serve(env, log))
            stack.callback(stop, machines[-1][0])
        proxy = stack.enter_context(
            run_nginx(tmp_path / "nginx-folder", [base.split("//")[1] for _, base in machines])
        )
        yield proxy, [process for process, _ in machines], draft_id


def _mkdir_ok(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    path.chmod(0o777)
    return path


@pytest.fixture(autouse=True)
def _nginx_folder(tmp_path: Path) -> None:
    _mkdir_ok(tmp_path / "nginx-folder")


@pytest.mark.parametrize("backend", ["postgresql"])
def test_public_reads_are_cached_personal_and_staff_never(
    deployment: tuple[str, list[object], int],
) -> None:
    proxy, _, draft_id = deployment
    with httpx.Client(base_url=proxy, timeout=10) as client:
        first = client.get("/api/v1/consultations")
        second = client.get("/api/v1/consultations")
        assert first.status_code == second.status_code == 200
        assert first.headers["x-cache-status"] == "MISS"
        assert second.headers["x-cache-status"] == "HIT" and second.content == first.content

        posted = client.post(
            f"/api/v1/consultations/{draft_id}/comments",
            json={"text": "经代理提交的意见", "anonymous": True},
        )
        assert posted.status_code == 201, posted.text
        code = posted.json()["receipt_code"]
        for path in (f"/api/v1/comments/{code}", f"/consultations/{draft_id}", "/staff/login"):
            statuses = {client.get(path).headers["x-cache-status"] for _ in range(3)}
            assert "HIT" not in statuses, path
        assert client.get("/readyz").status_code == 200


@pytest.mark.parametrize("backend", ["postgresql"])
def test_when_one_process_stops_the_other_serves(
    deployment: tuple[str, list[object], int],
) -> None:
    proxy, processes, _ = deployment
    assert stop(processes[0]) == 0  # type: ignore[arg-type]
    with httpx.Client(base_url=proxy, timeout=10) as client:
        statuses = [client.get(f"/api/v1/meetings?page={n}").status_code for n in range(1, 11)]
    assert statuses == [200] * 10
