"""attendance: the device account (a user with role ``device``) that speaks for a gate device

Revision ID: 0002c
Revises: 0002b

``devices.account_user_id`` links a device to the device account allowed to post ``WorkerAttendance``
batches for the device's project (the write policy, ``auth/policy.py``). Nullable: a device reached only
through its own protocol (ZKTeco push, Hikvision ISAPI) needs no account.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002c"
down_revision = "0002b"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("devices") as batch:
        batch.add_column(sa.Column("account_user_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_devices_account_user_id_users"), "users", ["account_user_id"], ["id"]
        )
        batch.create_index(op.f("ix_devices_account_user_id"), ["account_user_id"])


def downgrade() -> None:
    with op.batch_alter_table("devices") as batch:
        batch.drop_index(op.f("ix_devices_account_user_id"))
        batch.drop_constraint(op.f("fk_devices_account_user_id_users"), type_="foreignkey")
        batch.drop_column("account_user_id")
