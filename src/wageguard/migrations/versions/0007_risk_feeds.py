"""risk: the external feeds — contracts and progress payments, tax years, registrations and credit records

Revision ID: 0007
Revises: 0001

One snapshot per subject, replaced whole by a file with different content (``risk/models.py``):
``risk_contracts`` (one per project) with ``risk_contract_payments``; ``risk_tax_years`` (one per
enterprise and year); ``risk_registrations`` (one per enterprise) with ``risk_credit_events``.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0001"
branch_labels = ("risk",)
depends_on = None


def _stamps() -> list[sa.Column[Any]]:
    return [
        sa.Column("content_sha256", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "risk_contracts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("region_code", sa.String(6), nullable=False),
        sa.Column("contract_fen", sa.BigInteger(), nullable=False),
        sa.Column("signed_date", sa.Date(), nullable=True),
        sa.Column("as_of", sa.Date(), nullable=True),
        *_stamps(),
        sa.ForeignKeyConstraint(
            ["project_id"], ["projects.id"], name="fk_risk_contracts_project_id_projects"
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["enterprises.id"], name="fk_risk_contracts_owner_id_enterprises"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_risk_contracts"),
        sa.UniqueConstraint("project_id", name="uq_risk_contracts_project_id"),
    )
    op.create_index("ix_risk_contracts_owner_id", "risk_contracts", ["owner_id"])
    op.create_index("ix_risk_contracts_region_code", "risk_contracts", ["region_code"])
    op.create_table(
        "risk_contract_payments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(32), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("due_fen", sa.BigInteger(), nullable=False),
        sa.Column("paid_date", sa.Date(), nullable=True),
        sa.Column("paid_fen", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(
            ["contract_id"],
            ["risk_contracts.id"],
            name="fk_risk_contract_payments_contract_id_risk_contracts",
        ),
        sa.ForeignKeyConstraint(
            ["project_id"], ["projects.id"], name="fk_risk_contract_payments_project_id_projects"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_risk_contract_payments"),
        sa.UniqueConstraint("contract_id", "stage", name="uq_risk_contract_payments_contract_id_stage"),
    )
    op.create_index("ix_risk_contract_payments_project_id", "risk_contract_payments", ["project_id"])
    op.create_table(
        "risk_tax_years",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("tax_year", sa.Integer(), nullable=False),
        sa.Column("rating", sa.String(1), nullable=False),
        sa.Column("arrears_fen", sa.BigInteger(), nullable=False),
        *(sa.Column(f"revenue_q{q}_fen", sa.BigInteger(), nullable=True) for q in (1, 2, 3, 4)),
        sa.Column("as_of", sa.Date(), nullable=True),
        *_stamps(),
        sa.ForeignKeyConstraint(
            ["enterprise_id"], ["enterprises.id"], name="fk_risk_tax_years_enterprise_id_enterprises"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_risk_tax_years"),
        sa.UniqueConstraint("enterprise_id", "tax_year", name="uq_risk_tax_years_enterprise_id_tax_year"),
    )
    op.create_table(
        "risk_registrations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("establish_date", sa.Date(), nullable=True),
        sa.Column("reg_capital_fen", sa.BigInteger(), nullable=True),
        sa.Column("paid_in_capital_fen", sa.BigInteger(), nullable=True),
        sa.Column("as_of", sa.Date(), nullable=True),
        *_stamps(),
        sa.ForeignKeyConstraint(
            ["enterprise_id"], ["enterprises.id"], name="fk_risk_registrations_enterprise_id_enterprises"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_risk_registrations"),
        sa.UniqueConstraint("enterprise_id", name="uq_risk_registrations_enterprise_id"),
    )
    op.create_table(
        "risk_credit_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("event_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("amount_fen", sa.BigInteger(), nullable=True),
        sa.Column("authority", sa.String(100), nullable=True),
        sa.Column("name", sa.String(64), nullable=True),
        sa.Column("reference", sa.String(64), nullable=True),
        sa.Column("reason", sa.String(200), nullable=True),
        sa.ForeignKeyConstraint(
            ["enterprise_id"], ["enterprises.id"], name="fk_risk_credit_events_enterprise_id_enterprises"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_risk_credit_events"),
    )
    op.create_index("ix_risk_credit_events_enterprise_kind", "risk_credit_events", ["enterprise_id", "kind"])


def downgrade() -> None:
    op.drop_table("risk_credit_events")
    op.drop_table("risk_registrations")
    op.drop_table("risk_tax_years")
    op.drop_table("risk_contract_payments")
    op.drop_table("risk_contracts")
