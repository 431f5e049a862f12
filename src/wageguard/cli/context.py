"""Shared plumbing for CLI commands: settings, database, protector."""

from __future__ import annotations

from functools import lru_cache

from wageguard.config import Settings, get_settings
from wageguard.db import Database
from wageguard.security.crypto import Protector


@lru_cache(maxsize=1)
def database() -> Database:
    return Database(get_settings().database_url)


def settings() -> Settings:
    return get_settings()


def protector() -> Protector:
    s = get_settings()
    return Protector(s.data_key_bytes, s.index_key_bytes)
