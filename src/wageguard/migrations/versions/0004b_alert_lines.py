"""monitoring: alert_workers, the worker lines of grouped worker-level alerts

Revision ID: 0004b
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004b"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "alert_workers",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("alert_id", sa.Integer(), nullable=False),
        sa.Column("worker_id", sa.BigInteger(), nullable=False),
        sa.Column("project_id", sa.BigInteger()),
        sa.Column("rule_code", sa.String(4), nullable=False),
        sa.Column("period", sa.String(7), nullable=False),
        sa.Column("level", sa.String(8), nullable=False),
        sa.Column("days", sa.Integer()),
        sa.Column("declared_fen", sa.BigInteger()),
        sa.Column("paid_fen", sa.BigInteger()),
        sa.Column("amount_fen", sa.BigInteger()),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_workers")),
        sa.ForeignKeyConstraint(["alert_id"], ["alerts.id"], name=op.f("fk_alert_workers_alert_id_alerts")),
        sa.UniqueConstraint("alert_id", "worker_id", name=op.f("uq_alert_workers_alert_id_worker_id")),
    )
    op.create_index("ix_alert_workers_worker", "alert_workers", ["worker_id"])


def downgrade() -> None:
    op.drop_index("ix_alert_workers_worker", table_name="alert_workers")
    op.drop_table("alert_workers")
