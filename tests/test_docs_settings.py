"""Docs are tested: every setting appears in docs/settings.md."""

from __future__ import annotations

from pathlib import Path

from wageguard.config import Settings

DOC = Path(__file__).resolve().parents[1] / "docs" / "settings.md"


def test_every_setting_is_documented():
    text = DOC.read_text(encoding="utf-8")
    missing = [name for name in Settings.model_fields if f"`{name}`" not in text]
    assert missing == []


def test_production_refuses_placeholder_secrets():
    import pytest
    from pydantic import ValidationError

    from wageguard.config import DEV_DATA_KEY, DEV_INDEX_KEY, DEV_SESSION_SECRET

    with pytest.raises(ValidationError, match="placeholder"):
        Settings(
            environment="production",
            data_key=DEV_DATA_KEY,
            index_key=DEV_INDEX_KEY,
            session_secret=DEV_SESSION_SECRET,
        )


def test_demo_key_file_is_generated_once_and_read_by_settings(tmp_path, monkeypatch):
    from wageguard.config import DEV_DATA_KEY
    from wageguard.security.keys import LOCAL_ENV_FILE, ensure_local_keys

    monkeypatch.chdir(tmp_path)
    for name in ("WAGEGUARD_DATA_KEY", "WAGEGUARD_INDEX_KEY", "WAGEGUARD_SESSION_SECRET"):
        monkeypatch.delenv(name, raising=False)
    assert ensure_local_keys() is True
    first = LOCAL_ENV_FILE.read_text()
    assert ensure_local_keys() is False
    assert LOCAL_ENV_FILE.read_text() == first
    assert (LOCAL_ENV_FILE.stat().st_mode & 0o777) == 0o600
    settings = Settings()
    assert settings.data_key != DEV_DATA_KEY
    assert f"WAGEGUARD_DATA_KEY={settings.data_key}" in first
