"""tallies: the aggregates the command screen reads, kept current at ingest and engine run

Revision ID: 0006
Revises: 0001

One row per (measure, period, project, region): project rows, each region's sum (project_id 0) and facts on
no project (project_id -1). An existing database starts empty here; ``wageguard screen rebuild`` (run by
``serve`` when the table is empty and facts exist) fills it from the facts.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0001"
branch_labels = ("tallies",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "tallies",
        sa.Column("measure", sa.String(length=16), nullable=False),
        sa.Column("period", sa.String(length=10), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("region_code", sa.String(length=6), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("measure", "period", "project_id", "region_code", name=op.f("pk_tallies")),
    )
    op.create_index(
        "ix_tallies_measure_region", "tallies", ["measure", "period", "project_id", "region_code", "value"]
    )


def downgrade() -> None:
    op.drop_index("ix_tallies_measure_region", table_name="tallies")
    op.drop_table("tallies")
