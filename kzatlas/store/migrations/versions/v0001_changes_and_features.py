"""Changes, every feature state, and the current features.

Revision ID: 0001
Revises:
Create Date: 2025-06-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the three tables and their indexes."""
    op.create_table(
        "store_changes",
        sa.Column("version", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", sa.String(32), nullable=False),
        sa.Column("who", sa.String(200), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("comment", sa.Text, nullable=False),
        sa.Column("source_name", sa.String(255), nullable=False),
        sa.Column("source_sha256", sa.String(64), nullable=False),
        sa.Column("undoes", sa.Integer, sa.ForeignKey("store_changes.version"), nullable=True),
        sa.Column("undone_by", sa.Integer, sa.ForeignKey("store_changes.version"), nullable=True),
    )
    op.create_table(
        "store_feature_versions",
        sa.Column("feature_id", sa.String(200), primary_key=True),
        sa.Column("version", sa.Integer, sa.ForeignKey("store_changes.version"), primary_key=True),
        sa.Column("state", sa.String(8), nullable=False),
        sa.Column("properties", sa.Text, nullable=True),
        sa.Column("geom_wkb", sa.LargeBinary, nullable=True),
    )
    op.create_index("ix_store_feature_versions_version", "store_feature_versions", ["version"])
    op.create_table(
        "store_features",
        sa.Column("feature_id", sa.String(200), primary_key=True),
        sa.Column("version", sa.Integer, sa.ForeignKey("store_changes.version"), nullable=False),
        sa.Column("state", sa.String(8), nullable=False),
        sa.Column("kind", sa.String(40), nullable=True),
        sa.Column("properties", sa.Text, nullable=True),
        sa.Column("geom_wkb", sa.LargeBinary, nullable=True),
        sa.Column("minx", sa.Float, nullable=True),
        sa.Column("miny", sa.Float, nullable=True),
        sa.Column("maxx", sa.Float, nullable=True),
        sa.Column("maxy", sa.Float, nullable=True),
    )
    op.create_index("ix_store_features_bbox", "store_features", ["minx", "maxx", "miny", "maxy"])
    op.create_index("ix_store_features_state", "store_features", ["state"])


def downgrade() -> None:
    """Drop the tables (and with them every saved edit)."""
    op.drop_table("store_features")
    op.drop_table("store_feature_versions")
    op.drop_table("store_changes")
