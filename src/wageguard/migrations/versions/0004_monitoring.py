"""monitoring: alerts, alert events, runs, regional thresholds, notification outbox

Revision ID: 0004
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0001"
branch_labels = ("monitoring",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "alerts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("rule_code", sa.String(4), nullable=False),
        sa.Column("level", sa.String(8), nullable=False),
        sa.Column("subject_type", sa.String(16), nullable=False),
        sa.Column("subject_id", sa.BigInteger(), nullable=False),
        sa.Column("subject_key", sa.String(64), nullable=False),
        sa.Column("period", sa.String(7), nullable=False),
        sa.Column("project_id", sa.BigInteger()),
        sa.Column("worker_id", sa.BigInteger()),
        sa.Column("region_code", sa.String(6), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("still_holds", sa.Boolean(), nullable=False),
        sa.Column("amount_fen", sa.BigInteger()),
        sa.Column("workers", sa.Integer()),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column("evidence_hash", sa.String(32), nullable=False),
        sa.Column("referral_flag", sa.Boolean(), nullable=False),
        sa.Column("first_seen_on", sa.Date(), nullable=False),
        sa.Column("last_changed_on", sa.Date(), nullable=False),
        sa.Column("cleared_on", sa.Date()),
        sa.Column("escalated_on", sa.Date()),
        sa.Column("assignee_user_id", sa.Integer()),
        sa.Column("assignee_name", sa.String(64)),
        sa.Column("reopened_count", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alerts")),
        sa.UniqueConstraint(
            "rule_code", "subject_key", "period", name=op.f("uq_alerts_rule_code_subject_key_period")
        ),
    )
    op.create_index("ix_alerts_region_status", "alerts", ["region_code", "status"])
    op.create_index("ix_alerts_project", "alerts", ["project_id"])
    op.create_index("ix_alerts_rule_period", "alerts", ["rule_code", "period"])
    op.create_table(
        "alert_events",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "alert_id",
            sa.Integer(),
            sa.ForeignKey("alerts.id", name=op.f("fk_alert_events_alert_id_alerts")),
            nullable=False,
        ),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("as_of", sa.Date()),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("action", sa.String(24), nullable=False),
        sa.Column("note", sa.Text()),
        sa.Column("detail", sa.JSON()),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_events")),
    )
    op.create_index(op.f("ix_alert_events_alert_id"), "alert_events", ["alert_id"])
    op.create_table(
        "monitor_runs",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime()),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("months", sa.String(200), nullable=False),
        sa.Column("trigger", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        *[
            sa.Column(c, sa.Integer(), nullable=False)
            for c in ("facts_rows", "findings", "raised", "updated", "cleared", "reopened", "escalated")
        ],
        sa.Column("counts", sa.JSON()),
        sa.Column("error", sa.Text()),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monitor_runs")),
    )
    op.create_table(
        "monitor_thresholds",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("region_code", sa.String(6), nullable=False),
        sa.Column("key", sa.String(48), nullable=False),
        sa.Column("value", sa.String(48), nullable=False),
        sa.Column("note", sa.String(300)),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monitor_thresholds")),
        sa.UniqueConstraint("region_code", "key", name=op.f("uq_monitor_thresholds_region_code_key")),
    )
    op.create_table(
        "notification_outbox",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("region_code", sa.String(6), nullable=False),
        sa.Column("run_id", sa.Integer()),
        sa.Column("subject", sa.String(300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("alert_ids", sa.JSON()),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("sent_at", sa.DateTime()),
        sa.Column("error", sa.Text()),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification_outbox")),
    )
    op.create_index("ix_notification_outbox_status", "notification_outbox", ["status"])


def downgrade() -> None:
    op.drop_table("notification_outbox")
    op.drop_table("monitor_thresholds")
    op.drop_table("monitor_runs")
    op.drop_index(op.f("ix_alert_events_alert_id"), table_name="alert_events")
    op.drop_table("alert_events")
    op.drop_table("alerts")
