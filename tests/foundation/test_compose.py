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
    service = config["services"]["publisher"]
    env = service["environment"]
    assert env["PUBLISHER_DATABASE_URL"].startswith("postgresql+psycopg://publisher:pw@db:5432/")
    assert env["PUBLISHER_ENVIRONMENT"] == "production"
    assert env["PUBLISHER_CKAN_URL"] == "http://ckan:5000"
    assert {"ckan", "ckan-db", "solr", "redis", "db"} <= set(config["services"])
    ckan = config["services"]["ckan"]["environment"]
    assert ckan["CKAN_SOLR_URL"] == "http://solr:8983/solr/ckan"
    assert ckan["CKAN_REDIS_URL"].startswith("redis://redis:")
    assert ckan["CKAN_SQLALCHEMY_URL"] == "postgresql://ckan:ckanpw@ckan-db/ckan"
    # every PUBLISHER_ variable the compose file sets is a real setting
    known = {f"PUBLISHER_{name.upper()}" for name in Settings.model_fields}
    assert {k for k in env if k.startswith("PUBLISHER_")} <= known


def test_compose_refuses_to_start_without_secrets() -> None:
    for missing in SECRETS:
        result = _config({k: v for k, v in SECRETS.items() if k != missing})
        assert result.returncode != 0, missing
        assert missing in result.stderr
