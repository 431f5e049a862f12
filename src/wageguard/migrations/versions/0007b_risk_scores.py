"""risk: enterprise scores per data date, band worsenings, regional scorecard overrides

Revision ID: 0007b
Revises: 0007

``risk_scores`` (one row per enterprise and as-of date: scorecard version, total, grade, band, per-factor
points), ``risk_band_changes`` (a band got worse since the previous scored date) and
``risk_scorecard_overrides`` (a region's partial scorecard with its own version); see ``risk/models.py``.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007b"
down_revision = "0007"
branch_labels = None
depends_on = None


def _enterprise_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["enterprise_id"], ["enterprises.id"], name=f"fk_{table}_enterprise_id_enterprises"
    )


def upgrade() -> None:
    op.create_table(
        "risk_scores",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("region_code", sa.String(6), nullable=False),
        sa.Column("scorecard_version", sa.String(64), nullable=False),
        sa.Column("model_version", sa.String(64), nullable=True),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("grade", sa.String(1), nullable=False),
        sa.Column("band", sa.String(8), nullable=False),
        sa.Column("factors", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        _enterprise_fk("risk_scores"),
        sa.PrimaryKeyConstraint("id", name="pk_risk_scores"),
        sa.UniqueConstraint("enterprise_id", "as_of", name="uq_risk_scores_enterprise_id_as_of"),
    )
    op.create_index("ix_risk_scores_as_of_band", "risk_scores", ["as_of", "band"])
    op.create_table(
        "risk_band_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("previous_as_of", sa.Date(), nullable=False),
        sa.Column("from_grade", sa.String(1), nullable=False),
        sa.Column("to_grade", sa.String(1), nullable=False),
        sa.Column("from_band", sa.String(8), nullable=False),
        sa.Column("to_band", sa.String(8), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("region_code", sa.String(6), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        _enterprise_fk("risk_band_changes"),
        sa.PrimaryKeyConstraint("id", name="pk_risk_band_changes"),
        sa.UniqueConstraint("enterprise_id", "as_of", name="uq_risk_band_changes_enterprise_id_as_of"),
    )
    op.create_index("ix_risk_band_changes_as_of", "risk_band_changes", ["as_of"])
    op.create_table(
        "risk_scorecard_overrides",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("region_code", sa.String(6), nullable=False),
        sa.Column("version", sa.String(32), nullable=False),
        sa.Column("definition", sa.JSON(), nullable=False),
        sa.Column("note", sa.String(200), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_risk_scorecard_overrides"),
        sa.UniqueConstraint("region_code", name="uq_risk_scorecard_overrides_region_code"),
    )


def downgrade() -> None:
    op.drop_table("risk_scorecard_overrides")
    op.drop_table("risk_band_changes")
    op.drop_table("risk_scores")
