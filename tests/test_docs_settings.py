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

    with pytest.raises(ValidationError, match="placeholder"):
        Settings(environment="production")
