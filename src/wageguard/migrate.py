"""Run Alembic migrations programmatically (``wageguard db upgrade``, tests, ``make demo``)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url)
    cfg.attributes["configure_logger"] = False
    return cfg


def upgrade_database(url: str, revision: str = "heads") -> None:
    """Bring the database at ``url`` to the newest schema (all branch heads)."""
    command.upgrade(alembic_config(url), revision)
