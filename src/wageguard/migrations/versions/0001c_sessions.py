"""sessions: server-side login sessions and the database fallback of the shared counters

Revision ID: 0001c
Revises: 0001

``user_sessions`` holds one row per login (the token's SHA-256, never the token), so logout, a password
change and "log out everywhere" revoke at once. ``counters`` holds fixed-window counters (login throttles,
complaint rate limits) when no Redis is configured.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001c"
down_revision = "0001"
branch_labels = ("sessions",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "user_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_user_sessions_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_sessions")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_user_sessions_token_hash")),
    )
    op.create_index(op.f("ix_user_sessions_user_id"), "user_sessions", ["user_id"], unique=False)
    op.create_table(
        "counters",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_counters")),
    )
    op.create_index(op.f("ix_counters_expires_at"), "counters", ["expires_at"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_counters_expires_at"), table_name="counters")
    op.drop_table("counters")
    op.drop_index(op.f("ix_user_sessions_user_id"), table_name="user_sessions")
    op.drop_table("user_sessions")
