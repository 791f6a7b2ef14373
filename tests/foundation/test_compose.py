"""docker-compose.yml is valid for deployers and refuses to start without its secrets."""

from __future__ import annotations

import os
import shutil
import subprocess

import yaml

from publisher.settings import PROJECT_ROOT, Settings

COMPOSE = shutil.which("docker-compose") or "docker-compose"
SECRETS = {
    "POSTGRES_PASSWORD": "pw",
    "PUBLISHER_SECRET_KEY": "k" * 40,
    "CKAN_DB_PASSWORD": "ckanpw",
    "CKAN_SYSADMIN_PASSWORD": "adminpw",
    "CKAN_SECRET_KEY": "s" * 40,
}


def _config(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("PUBLISHER_", "POSTGRES_"))}
    return subprocess.run(
        [COMPOSE, "-f", str(PROJECT_ROOT / "docker-compose.yml"), "config"],
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_compose_config_is_valid_and_wires_the_service_to_postgres() -> None:
    result = _config(SECRETS)
    assert result.returncode == 0, result.stderr
    config = yaml.safe_load(result.stdout)
    services = config["services"]
    assert {"proxy", "migrate", "publisher-1", "publisher-2", "db"} <= set(services)
    assert {"ckan", "ckan-db", "solr", "redis"} <= set(services)
    known = {f"PUBLISHER_{name.upper()}" for name in Settings.model_fields}
    for name in ("publisher-1", "publisher-2", "migrate"):
        env = services[name]["environment"]
        assert env["PUBLISHER_DATABASE_URL"].startswith(
            "postgresql+psycopg://publisher:pw@db:5432/"
        )
        assert env["PUBLISHER_ENVIRONMENT"] == "production"
        assert env["PUBLISHER_CKAN_URL"] == "http://ckan:5000"
        assert env["PUBLISHER_BLOB_STORE"] == "database"
        # every PUBLISHER_ variable the compose file sets is a real setting
        assert {k for k in env if k.startswith("PUBLISHER_")} <= known, name
    ckan = services["ckan"]["environment"]
    assert ckan["CKAN_SOLR_URL"] == "http://solr:8983/solr/ckan"
    assert ckan["CKAN_REDIS_URL"].startswith("redis://redis:")
    assert ckan["CKAN_SQLALCHEMY_URL"] == "postgresql://ckan:ckanpw@ckan-db/ckan"


def test_compose_migrates_once_before_two_replicas_behind_the_proxy() -> None:
    services = yaml.safe_load(_config(SECRETS).stdout)["services"]
    assert services["migrate"]["command"] == ["publisher", "db", "upgrade"]
    assert services["migrate"]["restart"] == "no"
    replicas = [services["publisher-1"], services["publisher-2"]]
    for replica in replicas:
        assert replica["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
        assert "/readyz" in " ".join(replica["healthcheck"]["test"])
        assert "ports" not in replica  # reached through the proxy only
    assert replicas[0]["volumes"] != replicas[1]["volumes"]  # each machine its own data dir
    proxy = services["proxy"]
    assert proxy["image"].startswith("nginx")
    assert {name: d["condition"] for name, d in proxy["depends_on"].items()} == {
        "publisher-1": "service_healthy",
        "publisher-2": "service_healthy",
    }
    assert any("deploy/nginx.conf" in str(volume) for volume in proxy["volumes"])
    trusted = replicas[0]["environment"]["PUBLISHER_TRUSTED_PROXIES"]
    assert proxy["networks"]["backend"]["ipv4_address"] == trusted
    nginx = (PROJECT_ROOT / "deploy" / "nginx.conf").read_text()
    assert "publisher-1:8000" in nginx and "publisher-2:8000" in nginx and "proxy_cache " in nginx


def test_compose_refuses_to_start_without_secrets() -> None:
    for missing in SECRETS:
        result = _config({k: v for k, v in SECRETS.items() if k != missing})
        assert result.returncode != 0, missing
        assert missing in result.stderr
