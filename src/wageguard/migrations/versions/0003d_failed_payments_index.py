"""money: partial index of failed and returned bank payments (the bank officer's landing page)

Revision ID: 0003d
Revises: 0003c

The bank's landing lists the payments on its accounts that failed or came back, newest first. Failures are
rare, so the index holds only them (``status IN ('failed', 'returned')``), by account and value date: the
read no longer scans every payment (94,000 on the demo city) and costs nothing on the paths that store
successful payments.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003d"
down_revision = "0003c"
branch_labels = None
depends_on = None

FAILED = sa.text("status IN ('failed', 'returned')")


def upgrade() -> None:
    op.create_index(
        "ix_bank_payments_failed",
        "bank_payments",
        ["account_id", "value_date"],
        sqlite_where=FAILED,
        postgresql_where=FAILED,
    )


def downgrade() -> None:
    op.drop_index("ix_bank_payments_failed", table_name="bank_payments")
