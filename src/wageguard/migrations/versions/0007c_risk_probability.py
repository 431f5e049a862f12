"""risk: the learned model's probability beside each score

Revision ID: 0007c
Revises: 0007b

``risk_scores.probability``: the learned model's probability of a W06/W17/W18 alert on the enterprise's
projects within the model's horizon, where a model scored that date (``model_version`` says which); null
when the scorecard scored alone. The per-factor model contributions sit in ``factors`` beside the points.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007c"
down_revision = "0007b"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("risk_scores") as batch:
        batch.add_column(sa.Column("probability", sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("risk_scores") as batch:
        batch.drop_column("probability")
