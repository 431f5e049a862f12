"""Migration 0007 (branch ``risk``) creates exactly the tables of ``risk/models.py``."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from wageguard.db import Database
from wageguard.migrate import alembic_config
from wageguard.models import Base


def test_the_risk_branch_is_rooted_at_0001() -> None:
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    revision = script.get_revision("0007")
    assert revision is not None
    assert revision.down_revision == "0001"
    assert "risk" in revision.branch_labels


def test_the_migrated_risk_tables_match_the_models(db: Database) -> None:
    with db.engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert [d for d in diffs if "risk_" in str(d)] == []
