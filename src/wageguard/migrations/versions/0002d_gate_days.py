"""attendance: gate days — punches per gate and work day, kept at ingest (monitoring rule W16)

Revision ID: 0002d
Revises: 0002c

``gate_days`` holds, per project, punch ``source`` (a device serial, or ``batch:<projectCode>`` for the
national batch), ``channel`` (the gate a batch names; a device's own gate name; '' when none) and work date,
how many punches were stored (clock-skew flagged ones excluded). W16 judges a gate by these days, so the
engine never scans ``punches``. Filled from the punches already stored.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002d"
down_revision = "0002c"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "gate_days",
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(80), nullable=False),
        sa.Column("channel", sa.String(64), nullable=False),
        sa.Column("work_date", sa.Date(), nullable=False),
        sa.Column("punches", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"], name="fk_gate_days_project_id_projects"),
        sa.PrimaryKeyConstraint("project_id", "source", "channel", "work_date", name="pk_gate_days"),
    )
    # Covering (the engine's read is a date range over every gate): no table look-ups per row.
    op.create_index(
        "ix_gate_days_work_date", "gate_days", ["work_date", "project_id", "source", "channel", "punches"]
    )
    op.execute(
        "INSERT INTO gate_days (project_id, source, channel, work_date, punches) "
        "SELECT project_id, source, COALESCE(channel, ''), work_date, COUNT(*) FROM punches "
        "WHERE flag = '' GROUP BY project_id, source, COALESCE(channel, ''), work_date"
    )


def downgrade() -> None:
    op.drop_index("ix_gate_days_work_date", table_name="gate_days")
    op.drop_table("gate_days")
