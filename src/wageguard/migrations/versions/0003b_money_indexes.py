"""money: month indexes on bank payments and pay-sheet lines (the monitoring engine's month reads)

Revision ID: 0003b
Revises: 0003

The engine reads one pay month of every project (``WHERE pay_month = …``, and the year-to-date range
``pay_month BETWEEN 'YYYY-01' AND …``); the existing indexes lead with project, card or worker, so on
multi-month data PostgreSQL scanned the whole table and SQLite skip-scanned the project index.
"""

from __future__ import annotations

from alembic import op

revision = "0003b"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_bank_payments_month", "bank_payments", ["pay_month"])
    op.create_index("ix_pay_sheet_lines_month", "pay_sheet_lines", ["pay_month"])


def downgrade() -> None:
    op.drop_index("ix_pay_sheet_lines_month", table_name="pay_sheet_lines")
    op.drop_index("ix_bank_payments_month", table_name="bank_payments")
