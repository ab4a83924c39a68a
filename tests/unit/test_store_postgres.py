"""What only the PostgreSQL/PostGIS backend does: spatial columns, the catalogue copy, faults.

The shared behaviour (history, undo, refusals...) runs on both backends in ``test_store.py``.
Tests that stop the database start a throw-away cluster of their own (``tests/pgcluster.py``).
"""

from __future__ import annotations

import dataclasses
import logging
import os
import secrets
import time
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from pgcluster import PgCluster, free_port, missing_reason
from shapely.geometry import Point, Polygon

from kzatlas import catalog
from kzatlas.store import StoreError, configured_url, open_store
from kzatlas.store.migrate import head_revisions
from kzatlas.store.postgres import PostgresStore, redacted
from kzatlas.store.sql import BUSY_MESSAGE, SqlStore

WHO = "editor@example.org"
SHIPPED_IDS = frozenset({"pa-shipped"})


def record(feature_id: str, geometry=None, **extra) -> dict:
    return {"id": feature_id, "kind": "national_park", "name_en": feature_id, "geometry": geometry, **extra}


def apply(target, records, **kwargs):
    return target.apply(records, who=WHO, comment="why", action="edit", **kwargs)


@pytest.fixture()
def pg_store(postgres_schema) -> Iterator[PostgresStore]:
    opened = open_store(postgres_schema, catalogue_ids=SHIPPED_IDS)
    assert isinstance(opened, PostgresStore)
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def own_cluster() -> Iterator[PgCluster]:
    """A cluster these tests may stop and start again."""
    reason = missing_reason()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    with PgCluster() as cluster:
        cluster.create_database()
        yield cluster


def query(store_url: str, sql: str, **params) -> list:
    engine = sa.create_engine(store_url)
    try:
        with engine.connect() as connection:
            return connection.execute(sa.text(sql), params).all()
    finally:
        engine.dispose()


# ---------------------------------------------------------------- PostGIS


def test_saved_shapes_get_a_postgis_geometry_with_a_spatial_index(pg_store, postgres_schema):
    square = Polygon([(70, 45), (71, 45), (71, 46), (70, 46)])
    apply(pg_store, [record("near", geometry=Point(70.5, 45.5)), record("far", geometry=Point(80, 50)), record("none")])
    apply(pg_store, [record("square", geometry=square)])
    rows = query(
        postgres_schema,
        "SELECT feature_id, ST_SRID(geom) AS srid FROM store_features "
        "WHERE ST_Intersects(geom, ST_MakeEnvelope(69.5, 44.5, 71.5, 46.5, 4326)) ORDER BY feature_id",
    )
    assert [(row.feature_id, row.srid) for row in rows] == [("near", 4326), ("square", 4326)]
    assert query(postgres_schema, "SELECT geom IS NULL AS empty FROM store_features WHERE feature_id = 'none'")[0].empty
    indexes = query(postgres_schema, "SELECT tablename, indexdef FROM pg_indexes WHERE indexdef ILIKE '%USING gist%'")
    gist_tables = {row.tablename for row in indexes if "current_schema" not in row.indexdef}
    assert {"store_features", "catalogue_features"} <= gist_tables
    # Migrated to the newest revision the package ships.
    assert {query(postgres_schema, "SELECT version_num FROM alembic_version")[0].version_num} == head_revisions()


def test_the_shipped_catalogue_is_loaded_once_per_data_version(pg_store, postgres_schema, bundled):
    shipped = catalog.shipped_feature_frame(bundled)
    assert pg_store.publish_catalogue(bundled) is True
    assert pg_store.publish_catalogue(bundled) is False
    counts = query(
        postgres_schema,
        "SELECT data_version, count(*) AS rows, count(geom) AS shapes, "
        "count(*) FILTER (WHERE ST_IsValid(geom)) AS valid FROM catalogue_features GROUP BY data_version",
    )
    assert len(counts) == 1 and counts[0].data_version == bundled.manifest.data_version
    assert counts[0].rows == len(shipped)
    assert counts[0].shapes == counts[0].valid == int((~shipped.geometry.isna() & ~shipped.geometry.is_empty).sum())
    first = shipped.iloc[0]
    stored = query(postgres_schema, "SELECT properties FROM catalogue_features WHERE feature_id = :id", id=first["id"])
    assert stored[0].properties["name_en"] == first["name_en"] and stored[0].properties["kind"] == first["kind"]
    # A new data version replaces the copy; the store's own edits are untouched.
    apply(pg_store, [record("new-1")])
    newer = dataclasses.replace(bundled, manifest=dataclasses.replace(bundled.manifest, data_version="2099.1"))
    assert pg_store.publish_catalogue(newer) is True
    versions = query(postgres_schema, "SELECT DISTINCT data_version FROM catalogue_features")
    assert [row.data_version for row in versions] == ["2099.1"]
    assert pg_store.version() == 1 and list(pg_store.saved()["id"]) == ["new-1"]


def test_the_embedded_store_keeps_no_catalogue_copy(tmp_path, bundled):
    with open_store(f"sqlite:///{tmp_path / 'store.sqlite'}", catalogue_ids=SHIPPED_IDS) as embedded:
        assert embedded.publish_catalogue(bundled) is False


def test_a_connection_cut_mid_write_leaves_nothing(pg_store, postgres_schema, monkeypatch):
    apply(pg_store, [record("new-1", name_en="kept")])
    real_write = SqlStore._write_states
    admin = sa.create_engine(postgres_schema)

    def write_then_lose_the_connection(self, connection, version, rows):
        real_write(self, connection, version, rows)
        pid = connection.exec_driver_sql("SELECT pg_backend_pid()").scalar()
        with admin.connect() as other:
            assert other.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}).scalar()

    monkeypatch.setattr(SqlStore, "_write_states", write_then_lose_the_connection)
    try:
        with pytest.raises(StoreError) as refused:
            apply(pg_store, [record("new-1", name_en="lost"), record("new-2")])
        assert str(refused.value) == BUSY_MESSAGE
    finally:
        monkeypatch.undo()
        admin.dispose()
    # The pool drops the dead connection; the next read finds the store as it was.
    assert pg_store.version() == 1
    assert dict(zip(pg_store.saved()["id"], pg_store.saved()["name_en"])) == {"new-1": "kept"}
    assert len(pg_store.feature_history("new-1")) == 1
    assert apply(pg_store, [record("new-2")]).version == 2


# ---------------------------------------------------------------- addresses and passwords


def test_an_unreachable_database_is_refused_quickly_without_the_password(caplog):
    password = secrets.token_urlsafe(12)
    url = f"postgresql://atlas:{password}@127.0.0.1:{free_port()}/kzatlas"
    started = time.monotonic()
    with caplog.at_level(logging.INFO), pytest.raises(StoreError) as refused:
        open_store(url)
    assert time.monotonic() - started < 10
    message = str(refused.value)
    assert "could not be opened" in message
    assert password not in message and "127.0.0.1" not in message
    assert password not in caplog.text and "atlas:***@127.0.0.1" in caplog.text


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("postgresql+psycopg2://user:pw@host/db", "opened with psycopg"),
        ("postgresql://user:pw@host:5432", "names no database"),
        ("postgresql://user:pw@host:notaport/db", "cannot be read"),
    ],
)
def test_unusable_postgres_addresses_are_refused(url, message):
    with pytest.raises(StoreError, match=message) as refused:
        open_store(url)
    assert "pw" not in str(refused.value)


def test_redacted_addresses_hide_the_password():
    assert redacted("postgresql+psycopg://atlas:s3cr3t@db:5432/kz") == "postgresql+psycopg://atlas:***@db:5432/kz"
    assert "s3cr3t" not in redacted("postgresql://atlas:s3cr3t@db:bad/kz")


def test_the_environment_wins_over_secrets(monkeypatch):
    monkeypatch.delenv("KZATLAS_STORE_URL", raising=False)
    assert configured_url() is None and configured_url("  ") is None and configured_url(42) is None
    assert configured_url(" postgresql://a@db/kz ") == "postgresql://a@db/kz"
    monkeypatch.setenv("KZATLAS_STORE_URL", "sqlite:///x.sqlite")
    assert configured_url("postgresql://a@db/kz") == "sqlite:///x.sqlite"


# ---------------------------------------------------------------- the database going away


def test_a_stopped_database_refuses_writes_and_recovers_when_back(own_cluster):
    url = own_cluster.url()
    with open_store(url, catalogue_ids=SHIPPED_IDS) as replica_a, open_store(url, catalogue_ids=SHIPPED_IDS) as replica_b:
        apply(replica_a, [record("new-1")])
        assert replica_b.version() == 1
        own_cluster.stop()
        try:
            started = time.monotonic()
            with pytest.raises(StoreError, match="cannot be read"):
                replica_b.version()
            with pytest.raises(StoreError) as refused:
                apply(replica_a, [record("new-2")])
            assert str(refused.value) == BUSY_MESSAGE
            assert own_cluster.password not in str(refused.value)
            assert time.monotonic() - started < 15
        finally:
            own_cluster.start()
        # Back again: the same store objects work without reopening (dead connections are replaced).
        assert replica_b.version() == 1 and list(replica_b.saved()["id"]) == ["new-1"]
        assert apply(replica_b, [record("new-2")]).version == 2
        assert replica_a.version() == 2
