"""complaints, case events, photos, calendar overrides

Revision ID: 0005
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0001"
branch_labels = ("complaints",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "complaints",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tracking_code", sa.String(length=16), nullable=False),
        sa.Column("idem_token", sa.String(length=64), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=True),
        sa.Column("region_code", sa.String(length=6), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("id_enc", sa.LargeBinary(), nullable=False),
        sa.Column("id_bidx", sa.String(length=32), nullable=False),
        sa.Column("id_masked", sa.String(length=32), nullable=False),
        sa.Column("phone_enc", sa.LargeBinary(), nullable=False),
        sa.Column("phone_bidx", sa.String(length=32), nullable=False),
        sa.Column("phone_masked", sa.String(length=16), nullable=False),
        sa.Column("card_enc", sa.LargeBinary(), nullable=True),
        sa.Column("card_bidx", sa.String(length=32), nullable=True),
        sa.Column("card_masked", sa.String(length=32), nullable=True),
        sa.Column("employer", sa.String(length=200), nullable=False),
        sa.Column("work_start", sa.Date(), nullable=False),
        sa.Column("work_end", sa.Date(), nullable=True),
        sa.Column("months_owed", sa.Integer(), nullable=False),
        sa.Column("amount_owed_fen", sa.BigInteger(), nullable=False),
        sa.Column("workers_affected", sa.Integer(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("outcome", sa.String(length=32), nullable=True),
        sa.Column("not_accepted_reason", sa.Text(), nullable=True),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.Column("received_date", sa.Date(), nullable=False),
        sa.Column("accept_due", sa.Date(), nullable=False),
        sa.Column("accepted_date", sa.Date(), nullable=True),
        sa.Column("finish_due", sa.Date(), nullable=True),
        sa.Column("extended", sa.Boolean(), nullable=False),
        sa.Column("resolved_date", sa.Date(), nullable=True),
        sa.Column("closed_date", sa.Date(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"], ["projects.id"], name=op.f("fk_complaints_project_id_projects")
        ),
        sa.ForeignKeyConstraint(
            ["region_code"], ["regions.code"], name=op.f("fk_complaints_region_code_regions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_complaints")),
        sa.UniqueConstraint("idem_token", name=op.f("uq_complaints_idem_token")),
        sa.UniqueConstraint("tracking_code", name=op.f("uq_complaints_tracking_code")),
    )
    op.create_index("ix_complaints_project_received", "complaints", ["project_id", "received_at"])
    op.create_index("ix_complaints_region_state", "complaints", ["region_code", "state"])
    op.create_index("ix_complaints_phone_received", "complaints", ["phone_bidx", "received_at"])
    op.create_index(op.f("ix_complaints_id_bidx"), "complaints", ["id_bidx"])
    _child_tables()


def _child_tables() -> None:
    op.create_table(
        "complaint_photos",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("complaint_id", sa.Integer(), nullable=False),
        sa.Column("content_type", sa.String(length=32), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["complaint_id"],
            ["complaints.id"],
            name=op.f("fk_complaint_photos_complaint_id_complaints"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_complaint_photos")),
    )
    op.create_index(op.f("ix_complaint_photos_complaint_id"), "complaint_photos", ["complaint_id"])
    op.create_table(
        "complaint_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("complaint_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("from_state", sa.String(length=16), nullable=True),
        sa.Column("to_state", sa.String(length=16), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["complaint_id"],
            ["complaints.id"],
            name=op.f("fk_complaint_events_complaint_id_complaints"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_complaint_events")),
    )
    op.create_index(op.f("ix_complaint_events_complaint_id"), "complaint_events", ["complaint_id"])
    op.create_table(
        "calendar_overrides",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("is_working", sa.Boolean(), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=True),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_calendar_overrides")),
    )


def downgrade() -> None:
    op.drop_table("calendar_overrides")
    op.drop_table("complaint_events")
    op.drop_table("complaint_photos")
    op.drop_table("complaints")
