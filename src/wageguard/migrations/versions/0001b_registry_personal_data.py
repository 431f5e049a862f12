"""registry: phones and home addresses encrypted at rest; who registered a person; engagement-level contact
and payroll card

Revision ID: 0001b
Revises: 0001

- ``*_enc`` (AES-GCM) + ``*_masked`` columns for the phones of projects (contact, labour officer),
  participants (project manager), teams (leader) and engagements (worker), and for the worker's home
  address, which moves from the person (``workers``) to the engagement (``project_workers``): what an
  enterprise records about the people it engages stays on its own engagement.
- ``workers.registered_by``: the enterprise that first registered the person (owner of the identity
  fields); empty for people registered before this revision or by the platform. An enterprise id without a
  database foreign key, so the column is added (and dropped) in place: rebuilding ``workers`` on SQLite
  would take every referencing table along and fail under ``foreign_keys=ON``.
- ``project_workers.card_bidx``: the engagement's payroll card, filled here from each worker's current card.

Every column is added and dropped in place (no table rebuild); the downgrade needs SQLite 3.35 or later.

A migration has no keys, so the clear columns (``workers.phone``/``address``, ``projects.link_phone``/
``labour_officer_phone``, ``project_participants.pm_phone``, ``teams.leader_phone``) are kept, read by
nothing: ``wageguard registry encrypt-personal-data`` encrypts what they hold into the new columns and empties
them (run it once after upgrading; it is idempotent).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001b"
down_revision = "0001"
branch_labels = None
depends_on = None

PHONES = {
    "projects": ("link_phone", "labour_officer_phone"),
    "project_participants": ("pm_phone",),
    "teams": ("leader_phone",),
}


def upgrade() -> None:
    for table, prefixes in PHONES.items():
        for prefix in prefixes:
            op.add_column(table, sa.Column(f"{prefix}_enc", sa.LargeBinary(), nullable=True))
            op.add_column(table, sa.Column(f"{prefix}_masked", sa.String(length=32), nullable=True))
    op.add_column("workers", sa.Column("registered_by", sa.Integer(), nullable=True))
    for prefix in ("phone", "address"):
        op.add_column("project_workers", sa.Column(f"{prefix}_enc", sa.LargeBinary(), nullable=True))
        op.add_column("project_workers", sa.Column(f"{prefix}_masked", sa.String(length=32), nullable=True))
    op.add_column("project_workers", sa.Column("card_bidx", sa.String(length=32), nullable=True))
    op.execute(
        "UPDATE project_workers SET card_bidx = (SELECT c.card_bidx FROM bank_cards c"
        " WHERE c.worker_id = project_workers.worker_id AND c.is_current = TRUE"
        " ORDER BY c.id DESC LIMIT 1)"
    )


def downgrade() -> None:
    for column in ("card_bidx", "address_masked", "address_enc", "phone_masked", "phone_enc"):
        op.drop_column("project_workers", column)
    op.drop_column("workers", "registered_by")
    for table, prefixes in PHONES.items():
        for prefix in prefixes:
            op.drop_column(table, f"{prefix}_masked")
            op.drop_column(table, f"{prefix}_enc")
