"""monitoring: alert_attachments, the files an enterprise attaches to its answer to an alert

Revision ID: 0004c
Revises: 0004b

The answer itself is an ``alert_events`` row (action ``responded``, the note); each attached file (PDF, JPEG
or PNG, sniffed by its first bytes) is stored encrypted here with its digest.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004c"
down_revision = "0004b"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "alert_attachments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("alert_id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(160), nullable=False),
        sa.Column("content_type", sa.String(32), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("data_enc", sa.LargeBinary(), nullable=False),
        sa.Column("uploaded_by", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_attachments")),
        sa.ForeignKeyConstraint(
            ["alert_id"], ["alerts.id"], name=op.f("fk_alert_attachments_alert_id_alerts")
        ),
        sa.ForeignKeyConstraint(
            ["event_id"], ["alert_events.id"], name=op.f("fk_alert_attachments_event_id_alert_events")
        ),
    )
    op.create_index(op.f("ix_alert_attachments_alert_id"), "alert_attachments", ["alert_id"])
    op.create_index(op.f("ix_alert_attachments_event_id"), "alert_attachments", ["event_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_alert_attachments_event_id"), table_name="alert_attachments")
    op.drop_index(op.f("ix_alert_attachments_alert_id"), table_name="alert_attachments")
    op.drop_table("alert_attachments")
