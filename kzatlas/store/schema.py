"""The store's tables, written with SQLAlchemy Core so every backend shares them.

Geometry is kept as WKB (EPSG:4326) with its bounding box in four indexed columns; a server
backend may add its own spatial column and index beside them in a migration (for PostGIS, a
geometry column generated from ``geom_wkb`` with a GiST index) without changing this code.
Alembic migrations in ``migrations/versions`` create and change these tables; keep the two in step.
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

# One row per version: who changed what, when, from which file and why.
changes = sa.Table(
    "store_changes",
    metadata,
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

# Every state a change left a feature in; never updated, so history and undo can read it back.
feature_versions = sa.Table(
    "store_feature_versions",
    metadata,
    sa.Column("feature_id", sa.String(200), primary_key=True),
    sa.Column("version", sa.Integer, sa.ForeignKey("store_changes.version"), primary_key=True),
    sa.Column("state", sa.String(8), nullable=False),
    sa.Column("properties", sa.Text, nullable=True),
    sa.Column("geom_wkb", sa.LargeBinary, nullable=True),
    sa.Index("ix_store_feature_versions_version", "version"),
)

# The current state of each feature the store holds (present or deleted); what the map reads.
features = sa.Table(
    "store_features",
    metadata,
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
    sa.Index("ix_store_features_bbox", "minx", "maxx", "miny", "maxy"),
    sa.Index("ix_store_features_state", "state"),
)

# Recent wrong passwords per username (the sign-in lockout): one row per username that has some,
# so every app process and replica sees the same count and a restart does not reset it.
sign_in_guesses = sa.Table(
    "store_sign_in_guesses",
    metadata,
    sa.Column("username", sa.String(64), primary_key=True),
    sa.Column("attempts", sa.Integer, nullable=False),
    sa.Column("locked_until", sa.Float, nullable=False),
    sa.Column("last_at", sa.Float, nullable=False),
)
