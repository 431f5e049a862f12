"""attendance: partial index of punches by unknown persons, by work date (monitoring rule W13)

Revision ID: 0002b
Revises: 0002

W13 counts a month's punches whose ``kind`` is not ``worker`` (strangers, unenrolled persons) per project
and kind. ``kind <> 'worker'`` cannot seek a B-tree on ``(kind, work_date)``, so the index is partial:
it holds only the rare non-worker punches, ordered by date and covering project and kind, and costs
nothing on the hot path that stores workers' punches.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002b"
down_revision = "0002"
branch_labels = None
depends_on = None

UNKNOWN = sa.text("kind <> 'worker'")


def upgrade() -> None:
    op.create_index(
        "ix_punches_unknown_date",
        "punches",
        ["work_date", "project_id", "kind"],
        sqlite_where=UNKNOWN,
        postgresql_where=UNKNOWN,
    )


def downgrade() -> None:
    op.drop_index("ix_punches_unknown_date", table_name="punches")
