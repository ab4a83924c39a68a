"""The sign-in lockout's counts, kept in the store so that every app process shares them.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create ``store_sign_in_guesses``."""
    op.create_table(
        "store_sign_in_guesses",
        sa.Column("username", sa.String(64), primary_key=True),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("locked_until", sa.Float, nullable=False),
        sa.Column("last_at", sa.Float, nullable=False),
    )


def downgrade() -> None:
    """Drop the counts (every lockout ends)."""
    op.drop_table("store_sign_in_guesses")
