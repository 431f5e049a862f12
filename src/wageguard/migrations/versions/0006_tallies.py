"""tallies: the aggregates the command screen reads, kept current at ingest and engine run

Revision ID: 0006
Revises: 0001

One row per (measure, period, project, region): project rows, each region's sum (project_id 0) and facts on
no project (project_id -1). The primary key serves every read (measure and period first); ``value`` is in no
index, so PostgreSQL updates rows in place. An existing database starts empty here;
``wageguard screen rebuild`` (run by ``serve`` when the table is empty and facts exist) fills it.
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
        sqlite_with_rowid=False,  # the primary key is the table: a read by key needs no second lookup
    )
    if op.get_bind().dialect.name == "postgresql":
        # every punch batch rewrites its county's rows: room on the page for in-place (HOT) updates, since
        # ``value`` is in no index, and a vacuum before dead rows pile up
        op.execute(
            "ALTER TABLE tallies SET (fillfactor = 70, autovacuum_vacuum_scale_factor = 0.02, "
            "autovacuum_analyze_scale_factor = 0.05)"
        )


def downgrade() -> None:
    op.drop_table("tallies")
