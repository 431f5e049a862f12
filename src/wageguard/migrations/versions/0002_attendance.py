"""attendance: devices, enrolments, commands, rejections, serial gaps, punches, worker days and months

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = ("attendance",)
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _devices() -> None:
    op.create_table(
        "devices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("vendor", sa.String(16), nullable=False),
        sa.Column("serial", sa.String(64), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("region_code", sa.String(6), nullable=False),
        sa.Column("gate", sa.String(64), nullable=False),
        sa.Column("default_direction", sa.String(2), nullable=False),
        sa.Column("tz", sa.String(64), nullable=False),
        sa.Column("secret_hash", sa.String(64), nullable=False),
        sa.Column("ip_allow", sa.String(300), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(), nullable=True),
        sa.Column("last_seen_ip", sa.String(64), nullable=True),
        sa.Column("last_punch_at", sa.DateTime(), nullable=True),
        sa.Column("att_stamp", sa.BigInteger(), nullable=False),
        sa.Column("op_stamp", sa.BigInteger(), nullable=False),
        sa.Column("last_serial_no", sa.BigInteger(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"], name="fk_devices_project_id_projects"),
        sa.PrimaryKeyConstraint("id", name="pk_devices"),
        sa.UniqueConstraint("serial", name="uq_devices_serial"),
    )
    op.create_index("ix_devices_project_id", "devices", ["project_id"])
    op.create_index("ix_devices_region_code", "devices", ["region_code"])
    op.create_table(
        "device_enrolments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("device_id", sa.Integer(), nullable=False),
        sa.Column("pin", sa.String(32), nullable=False),
        sa.Column("worker_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["device_id"], ["devices.id"], name="fk_device_enrolments_device_id_devices"),
        sa.ForeignKeyConstraint(["worker_id"], ["workers.id"], name="fk_device_enrolments_worker_id_workers"),
        sa.PrimaryKeyConstraint("id", name="pk_device_enrolments"),
        sa.UniqueConstraint("device_id", "pin", name="uq_device_enrolments_device_id_pin"),
        sa.UniqueConstraint("device_id", "worker_id", name="uq_device_enrolments_device_id_worker_id"),
    )
    op.create_index("ix_device_enrolments_worker", "device_enrolments", ["worker_id"])


def _device_logs() -> None:
    op.create_table(
        "device_commands",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("device_id", sa.Integer(), nullable=False),
        sa.Column("command", sa.Text(), nullable=False),
        sa.Column("status", sa.String(8), nullable=False),
        sa.Column("return_code", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("done_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["device_id"], ["devices.id"], name="fk_device_commands_device_id_devices"),
        sa.PrimaryKeyConstraint("id", name="pk_device_commands"),
    )
    op.create_index("ix_device_commands_device_status", "device_commands", ["device_id", "status"])
    op.create_table(
        "device_rejections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("serial", sa.String(64), nullable=False),
        sa.Column("remote_ip", sa.String(64), nullable=True),
        sa.Column("endpoint", sa.String(64), nullable=False),
        sa.Column("reason", sa.String(300), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_device_rejections"),
    )
    op.create_index("ix_device_rejections_at", "device_rejections", ["at"])
    op.create_table(
        "serial_gaps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("device_id", sa.Integer(), nullable=False),
        sa.Column("after_serial", sa.BigInteger(), nullable=False),
        sa.Column("before_serial", sa.BigInteger(), nullable=False),
        sa.Column("missing", sa.Integer(), nullable=False),
        sa.Column("detected_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["device_id"], ["devices.id"], name="fk_serial_gaps_device_id_devices"),
        sa.PrimaryKeyConstraint("id", name="pk_serial_gaps"),
        sa.UniqueConstraint("device_id", "after_serial", name="uq_serial_gaps_device_id_after_serial"),
    )


def _punches() -> None:
    op.create_table(
        "punches",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("source", sa.String(80), nullable=False),
        sa.Column("person_key", sa.String(64), nullable=False),
        sa.Column("punched_at", sa.DateTime(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("region_code", sa.String(6), nullable=False),
        sa.Column("device_id", sa.Integer(), nullable=True),
        sa.Column("worker_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("flag", sa.String(8), nullable=False),
        sa.Column("local_time", sa.DateTime(), nullable=False),
        sa.Column("tz", sa.String(64), nullable=False),
        sa.Column("work_date", sa.Date(), nullable=False),
        sa.Column("direction", sa.String(2), nullable=True),
        sa.Column("attend_type", sa.String(3), nullable=True),
        sa.Column("channel", sa.String(64), nullable=True),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"], name="fk_punches_project_id_projects"),
        sa.ForeignKeyConstraint(["device_id"], ["devices.id"], name="fk_punches_device_id_devices"),
        sa.ForeignKeyConstraint(["worker_id"], ["workers.id"], name="fk_punches_worker_id_workers"),
        sa.PrimaryKeyConstraint("id", name="pk_punches"),
        sa.UniqueConstraint(
            "source", "person_key", "punched_at", name="uq_punches_source_person_key_punched_at"
        ),
    )
    op.create_index("ix_punches_project_date", "punches", ["project_id", "work_date"])


def _derived() -> None:
    op.create_table(
        "worker_days",
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("worker_id", sa.Integer(), nullable=False),
        sa.Column("work_date", sa.Date(), nullable=False),
        sa.Column("region_code", sa.String(6), nullable=False),
        sa.Column("first_in", sa.DateTime(), nullable=False),
        sa.Column("last_out", sa.DateTime(), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("punch_count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"], name="fk_worker_days_project_id_projects"),
        sa.ForeignKeyConstraint(["worker_id"], ["workers.id"], name="fk_worker_days_worker_id_workers"),
        sa.PrimaryKeyConstraint("project_id", "worker_id", "work_date", name="pk_worker_days"),
    )
    op.create_table(
        "worker_months",
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("worker_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("region_code", sa.String(6), nullable=False),
        sa.Column("days", sa.Integer(), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"], name="fk_worker_months_project_id_projects"),
        sa.ForeignKeyConstraint(["worker_id"], ["workers.id"], name="fk_worker_months_worker_id_workers"),
        sa.PrimaryKeyConstraint("project_id", "worker_id", "month", name="pk_worker_months"),
    )
    op.create_index("ix_worker_months_month_region", "worker_months", ["month", "region_code"])


def upgrade() -> None:
    _devices()
    _device_logs()
    _punches()
    _derived()


def downgrade() -> None:
    for name in (
        "worker_months",
        "worker_days",
        "punches",
        "serial_gaps",
        "device_rejections",
        "device_commands",
        "device_enrolments",
        "devices",
    ):
        op.drop_table(name)
