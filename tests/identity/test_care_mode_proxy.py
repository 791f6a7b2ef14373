"""Care mode behind the deployment's nginx (deploy/nginx.conf): a reader in care mode never gets
the standard page from the shared cache, nor the reverse, and each mode keeps its own copy."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from tests.harness.nginx import run_nginx
from tests.harness.serve import serve_env, start_serve, stop


@pytest.mark.parametrize("backend", ["sqlite"])
def test_the_proxy_keeps_one_copy_per_mode(db_url: str, tmp_path: Path) -> None:
    folder = tmp_path / "nginx-folder"
    folder.mkdir()
    folder.chmod(0o777)
    with (tmp_path / "serve.log").open("wb") as log:
        process, base = start_serve(serve_env(db_url, tmp_path / "var"), log)
        try:
            upstream = base.split("//")[1]  # one machine stands for both replicas
            with run_nginx(folder, [upstream, upstream]) as proxy:
                standard = httpx.Client(base_url=proxy, timeout=10)
                cared = httpx.Client(base_url=proxy, timeout=10, cookies={"smx_care": "1"})
                seen = []
                for client in (standard, standard, cared, cared, standard, cared):
                    page = client.get("/subscribe")
                    assert page.status_code == 200
                    is_care = '<html lang="zh-CN" class="care">' in page.text
                    seen.append((client is cared, is_care, page.headers["x-cache-status"]))
                standard.close()
                cared.close()
        finally:
            stop(process)
    assert [(want, got) for want, got, _ in seen] == [(w, w) for w, _, _ in seen]
    assert [status for _, _, status in seen] == ["MISS", "HIT", "MISS", "HIT", "HIT", "HIT"]
