"""complaints: the inspector a case is assigned to

Revision ID: 0005c
Revises: 0005b

- ``complaints.assignee_user_id``: the user handling the case (an active inspector of its region, checked by
  ``complaints.case_handling.assign_case``), nullable, indexed for the "my cases" list. A plain integer like
  ``alerts.assignee_user_id`` (no foreign key, so downgrading is a plain DROP COLUMN, never a rebuild of
  ``complaints`` that would cascade to its events).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005c"
down_revision = "0005b"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("complaints", sa.Column("assignee_user_id", sa.Integer(), nullable=True))
    op.create_index(op.f("ix_complaints_assignee_user_id"), "complaints", ["assignee_user_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_complaints_assignee_user_id"), table_name="complaints")
    op.drop_column("complaints", "assignee_user_id")
