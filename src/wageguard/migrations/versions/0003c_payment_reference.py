"""money: the pay-sheet line reference a bank payment carried, and which key matched it

Revision ID: 0003c
Revises: 0003b

``bank_payments.line_ref`` keeps the payer's reference (EndToEndId/InstrId, or a profile's remark column)
that may name a pay-sheet line (``pay_sheet_lines.third_ref``, the national ``thirdPayRollCode``);
``bank_payments.match_key`` records how the worker was found (``reference``, ``line_card``, ``card``,
``name``). Matching looks lines up by reference, hence the index.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003c"
down_revision = "0003b"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("bank_payments", sa.Column("line_ref", sa.String(length=200), nullable=True))
    op.add_column("bank_payments", sa.Column("match_key", sa.String(length=12), nullable=True))
    op.create_index("ix_pay_sheet_lines_third_ref", "pay_sheet_lines", ["third_ref"])


def downgrade() -> None:
    op.drop_index("ix_pay_sheet_lines_third_ref", table_name="pay_sheet_lines")
    with op.batch_alter_table("bank_payments") as batch:
        batch.drop_column("match_key")
        batch.drop_column("line_ref")
