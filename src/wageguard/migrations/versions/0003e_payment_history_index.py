"""money: covering index of bank payments by pay month and project (the risk features' history read)

Revision ID: 0003e
Revises: 0003d

Scoring every enterprise reads, per project and pay month of the last twelve, the first successful
payment's value date and how many payments went to the worker's own card (``risk/features.py``,
``payments``). Through ``(project_id, pay_month)`` SQLite skip-scanned that index and fetched every
payment's row (18 M for a province's year); ``(pay_month, project_id, status, value_date, outcome)``
holds every column the read touches, in the order it groups by, so the read is one range of the index and
no table rows (docs/benchmarks.md, bench-risk).
"""

from __future__ import annotations

from alembic import op

revision = "0003e"
down_revision = "0003d"
branch_labels = None
depends_on = None

COLUMNS = ["pay_month", "project_id", "status", "value_date", "outcome"]


def upgrade() -> None:
    op.create_index("ix_bank_payments_month_history", "bank_payments", COLUMNS)


def downgrade() -> None:
    op.drop_index("ix_bank_payments_month_history", table_name="bank_payments")
