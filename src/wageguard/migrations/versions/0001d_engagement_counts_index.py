"""registry: covering index of engagements by project and exit date (head-counts per project and county)

Revision ID: 0001d
Revises: 0001b

The projects pages, the landing page and the county summaries count each project's registered and on-site
workers (``exit_date IS NULL``). With ``(project_id, exit_date)`` the count is an index-only scan: at province
scale (1.5 M engagements, SQLite) 2.8 s → 0.27 s for every project at once, measured on the
bench_monitoring province.
"""

from __future__ import annotations

from alembic import op

revision = "0001d"
down_revision = "0001b"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_project_workers_project_exit", "project_workers", ["project_id", "exit_date"])


def downgrade() -> None:
    op.drop_index("ix_project_workers_project_exit", table_name="project_workers")
