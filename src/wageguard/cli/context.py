"""Shared plumbing for CLI commands: settings, database, protector."""

from __future__ import annotations

from functools import lru_cache

from wageguard.config import Settings, get_settings
from wageguard.db import Database
from wageguard.security.crypto import Protector


@lru_cache(maxsize=1)
def database() -> Database:
    s = get_settings()
    if s.redis_url:  # a CLI import's live events reach the servers' screens (no listener here)
        from wageguard.tallies.live import configure_live

        configure_live(s.redis_url, s.redis_key_prefix, listen=False)
    return Database(s.database_url)


def settings() -> Settings:
    return get_settings()


def protector() -> Protector:
    s = get_settings()
    return Protector(s.data_key_bytes, s.index_key_bytes)
