"""PostGIS only: a geometry column with a spatial index, and the shipped catalogue as a table.

On PostgreSQL, ``store_features`` gains ``geom``, a ``geometry(Geometry, 4326)`` column that the
database fills from ``geom_wkb`` itself (a stored generated column, so the shared SQL never has
to know about it), with a GiST index. ``catalogue_features`` holds a read-only copy of the
catalogue the atlas ships, loaded at first start for each data version, so SQL and GIS clients
see the same features the app merges its edits over. Other databases skip this revision.

Revision ID: 0002
Revises: 0001
Create Date: 2025-06-20
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def _on_postgis() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def upgrade() -> None:
    """Add the geometry column, the spatial indexes and ``catalogue_features`` (PostgreSQL only)."""
    if not _on_postgis():
        return
    op.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    op.execute(
        "ALTER TABLE store_features ADD COLUMN geom geometry(Geometry, 4326) "
        "GENERATED ALWAYS AS (ST_GeomFromWKB(geom_wkb, 4326)) STORED"
    )
    op.execute("CREATE INDEX ix_store_features_geom ON store_features USING gist (geom)")
    op.execute(
        """
        CREATE TABLE catalogue_features (
            feature_id varchar(200) PRIMARY KEY,
            data_version varchar(64) NOT NULL,
            kind varchar(40),
            properties jsonb NOT NULL,
            geom geometry(Geometry, 4326)
        )
        """
    )
    op.execute("CREATE INDEX ix_catalogue_features_geom ON catalogue_features USING gist (geom)")
    op.execute("CREATE INDEX ix_catalogue_features_kind ON catalogue_features (kind)")


def downgrade() -> None:
    """Drop what :func:`upgrade` added (saved edits stay in ``geom_wkb``)."""
    if not _on_postgis():
        return
    op.execute("DROP TABLE catalogue_features")
    op.execute("DROP INDEX ix_store_features_geom")
    op.execute("ALTER TABLE store_features DROP COLUMN geom")
