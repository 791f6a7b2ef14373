"""Every setting is documented, and secrets have no usable default outside development."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from publisher.settings import DEV_SECRET_KEY, PROJECT_ROOT, Settings, settings_markdown


def test_every_setting_has_a_description() -> None:
    undocumented = [
        n for n, f in Settings.model_fields.items() if not (f.description or "").strip()
    ]
    assert undocumented == []


def test_configuration_reference_is_up_to_date() -> None:
    on_disk = (PROJECT_ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    assert on_disk == settings_markdown(), (
        "run: publisher settings --markdown > docs/configuration.md"
    )


def test_production_refuses_a_missing_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PUBLISHER_SECRET_KEY", raising=False)
    with pytest.raises(ValidationError, match="PUBLISHER_SECRET_KEY"):
        Settings(environment="production")
    with pytest.raises(ValidationError, match="development secret"):
        Settings(environment="production", secret_key=DEV_SECRET_KEY)


def test_test_environment_gets_a_random_secret_not_the_development_one() -> None:
    first = Settings(environment="test", secret_key="")
    second = Settings(environment="test", secret_key="")
    assert first.secret_key != DEV_SECRET_KEY and first.secret_key != second.secret_key


def test_environment_variables_use_the_prefix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PUBLISHER_PORT", "8123")
    assert Settings().port == 8123


def test_production_hashes_passwords_with_argon2id_only() -> None:
    with pytest.raises(ValidationError, match="argon2id only"):
        Settings(
            environment="production",
            secret_key="a-real-secret-key-of-some-length",
            password_hash_profile="cheapest-for-tests",
        )
    production = Settings(
        environment="production",
        secret_key="a-real-secret-key-of-some-length",
        base_url="https://yugao.smx.gov.cn",
    )
    stored = production.password_hasher.hash("correct horse battery")
    assert stored.startswith("$argon2id$") and "m=65536,t=3,p=4" in stored
    assert production.password_hasher.verify(stored, "correct horse battery")
    assert not production.password_hasher.verify(stored, "wrong horse battery")


def test_the_test_profile_is_cheap_and_still_verifies_real_hashes() -> None:
    cheap = Settings(password_hash_profile="cheapest-for-tests").password_hasher
    stored = cheap.hash("correct horse battery")
    assert "m=8,t=1,p=1" in stored
    real = Settings().password_hasher.hash("correct horse battery")
    assert cheap.verify(real, "correct horse battery")  # a hash carries its own parameters
    assert not cheap.verify(None, "correct horse battery")  # unknown user: the dummy, refused
