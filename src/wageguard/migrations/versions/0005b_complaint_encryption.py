"""complaints: the description and the photos encrypted at rest

Revision ID: 0005b
Revises: 0005

- ``complaints.description_enc`` and ``complaint_photos.data_enc``: AES-GCM ciphertext (``Protector``) of the
  worker's description and of each photo.
- A migration has no keys, so the clear columns (``complaints.description``, ``complaint_photos.data``) stay,
  written empty by new rows and read by nothing: ``wageguard complaints encrypt-personal-data`` encrypts what
  they hold into the new columns and empties them (run it once after upgrading; it is idempotent).
- Downgrading drops the ciphertext columns: do it only before any complaint has been stored encrypted.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005b"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("complaints", sa.Column("description_enc", sa.LargeBinary(), nullable=True))
    op.add_column("complaint_photos", sa.Column("data_enc", sa.LargeBinary(), nullable=True))


def downgrade() -> None:
    # a plain DROP COLUMN (SQLite 3.35+): a batch rebuild of ``complaints`` would cascade-delete its events
    op.drop_column("complaint_photos", "data_enc")
    op.drop_column("complaints", "description_enc")
