"""complaints: the month's complaints of a region (the command screen's complaint figures)

Revision ID: 0005d
Revises: 0005c
"""

from __future__ import annotations

from alembic import op

revision = "0005d"
down_revision = "0005c"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_complaints_received_region", "complaints", ["received_date", "region_code"])


def downgrade() -> None:
    op.drop_index("ix_complaints_received_region", table_name="complaints")
