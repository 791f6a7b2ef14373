"""Links lead where the service really is (issue #18, a newcomer's first hour): with no
PUBLISHER_BASE_URL, `publisher serve --port N` put 127.0.0.1:8000 in its feeds, webcal, DCAT and
API links, where nothing listened. The real command in a subprocess."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from publisher.settings import Settings
from publisher.storage.db import make_engine
from publisher.storage.migrate import upgrade
from tests.harness.serve import serve_env, start_serve, stop


def test_serve_links_to_the_port_it_listens_on(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'served.sqlite3'}"
    upgrade(make_engine(url), "head")
    env = serve_env(url, tmp_path / "var")
    with (tmp_path / "serve.log").open("wb") as log:
        process, base = start_serve(env, log)
        try:
            subscribe = httpx.get(f"{base}/subscribe", timeout=30).text
            catalog = httpx.get(f"{base}/api/v1/datasets", timeout=30).json()
        finally:
            stop(process)
    port = base.rsplit(":", 1)[1]
    assert f"webcal://127.0.0.1:{port}/" in subscribe and f"{base}/feeds/" in subscribe
    assert ":8000" not in subscribe
    assert catalog and all(ds["page_url"].startswith(f"{base}/") for ds in catalog)
    assert f"running at {base}/" in (tmp_path / "serve.log").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("0.0.0.0", "http://127.0.0.1:8101"),
        ("::", "http://[::1]:8101"),
        ("192.0.2.7", "http://192.0.2.7:8101"),
        ("2001:db8::7", "http://[2001:db8::7]:8101"),
    ],
)
def test_the_base_url_of_an_address(host: str, expected: str) -> None:
    assert Settings(environment="test").serving_at(host, 8101).base_url == expected


def test_a_given_base_url_is_kept() -> None:
    given = Settings(environment="test", base_url="https://yugao.smx.gov.cn")
    assert given.serving_at("0.0.0.0", 8101).base_url == "https://yugao.smx.gov.cn"


def test_production_needs_the_base_url() -> None:
    with pytest.raises(ValueError, match="PUBLISHER_BASE_URL must be set in production"):
        Settings(environment="production", secret_key="k" * 48)
