"""The server backend: PostgreSQL with PostGIS, shared by any number of app replicas.

Everything PostgreSQL-specific lives here and in migration ``0002``:

* **Writers take turns across servers.** A write transaction starts by taking a
  transaction-scoped advisory lock (``pg_advisory_xact_lock``) keyed by the schema, so writes
  from every replica queue one behind the other and versions stay gapless and strictly
  increasing. Readers never wait. A writer that cannot get the lock within
  ``LOCK_TIMEOUT_SECONDS`` gives up and nothing is written.
* **A dead database fails fast.** Connections are checked before use (``pool_pre_ping``) and
  a new connection gives up after ``CONNECT_TIMEOUT_SECONDS``, so pages show the read-only
  notice quickly instead of hanging.
* **Spatial columns.** ``store_features.geom`` is a PostGIS geometry that the database fills
  from the shared ``geom_wkb`` column, with a GiST index; ``catalogue_features`` holds the
  shipped catalogue (see :meth:`PostgresStore.publish_catalogue`).
* **Passwords stay out of messages and logs**: see :func:`redacted`.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable

import numpy as np
import shapely
import sqlalchemy as sa
from sqlalchemy import exc as sa_exc

from kzatlas.catalog import Catalogue, shipped_feature_frame
from kzatlas.store.records import StoreError
from kzatlas.store.sql import SqlStore

# PostgreSQL's error codes for data it found damaged while reading (data_corrupted, index_corrupted).
_DAMAGE_SQLSTATES = frozenset({"XX001", "XX002"})
# The shipped catalogue's copy, read by the check as well (only its key is needed).
_CATALOGUE_TABLE = sa.table("catalogue_features", sa.column("feature_id"))

CONNECT_TIMEOUT_SECONDS = 3
LOCK_TIMEOUT_SECONDS = 15
# Connections each server keeps open: reruns read a few small queries at a time.
POOL_SIZE = 5
POOL_OVERFLOW = 5
# First key of the advisory lock ("kzat" in ASCII); the second is the schema's hash.
_LOCK_KEY = 0x6B7A6174
_WRITE_OPTION = "kzatlas_write"
_DRIVER = "postgresql+psycopg"
# Addresses people write for PostgreSQL; each is opened with psycopg (version 3).
SCHEMES = ("postgresql+psycopg", "postgresql", "postgres")

_log = logging.getLogger(__name__)

_INSERT_CATALOGUE = sa.text(
    "INSERT INTO catalogue_features (feature_id, data_version, kind, properties, geom) "
    "VALUES (:feature_id, :data_version, :kind, CAST(:properties AS jsonb), ST_GeomFromWKB(:geom_wkb, 4326))"
)


def redacted(url: str) -> str:
    """Return ``url`` with any password replaced by ``***``, safe for logs.

    Parameters
    ----------
    url : str
        A database address, possibly with a password.

    Returns
    -------
    str
        The address without its password, or a placeholder when it cannot be parsed.
    """
    try:
        return sa.engine.make_url(url).render_as_string(hide_password=True)
    except (sa_exc.ArgumentError, ValueError):
        return "(an address that cannot be parsed)"


def normalise_url(url: str) -> sa.engine.URL:
    """Parse a PostgreSQL address and make it use the psycopg driver.

    Raises
    ------
    StoreError
        For an address that cannot be parsed, another driver, or no database name.
    """
    try:
        parsed = sa.engine.make_url(url)
    except (sa_exc.ArgumentError, ValueError) as exc:
        raise StoreError("The PostgreSQL store address cannot be read; use postgresql://user@host:5432/db.") from exc
    if parsed.drivername not in SCHEMES:
        raise StoreError("PostgreSQL stores are opened with psycopg: write the address as postgresql://... .")
    if not parsed.database:
        raise StoreError("The PostgreSQL store address names no database: add /dbname at the end.")
    return parsed.set(drivername=_DRIVER)


def postgres_engine(url: sa.engine.URL) -> sa.Engine:
    """Make an engine on a PostgreSQL database with the settings in the module docstring."""
    engine = sa.create_engine(
        url,
        pool_pre_ping=True,
        pool_size=POOL_SIZE,
        max_overflow=POOL_OVERFLOW,
        pool_timeout=CONNECT_TIMEOUT_SECONDS * 2,
        # Recycle now and then so a failover or a restarted proxy never leaves stale sockets.
        pool_recycle=1800,
        connect_args={
            "connect_timeout": CONNECT_TIMEOUT_SECONDS,
            "application_name": "kzatlas",
            # Notice a peer that vanished without closing the connection (a killed VM, a cut network).
            "keepalives": 1,
            "keepalives_idle": 30,
            "keepalives_interval": 5,
            "keepalives_count": 3,
        },
    )

    @sa.event.listens_for(engine, "begin")
    def _on_begin(connection: sa.Connection) -> None:
        if not connection.get_execution_options().get(_WRITE_OPTION, False):
            return
        # The transaction's first statements: queue behind any other writer on this schema, but
        # not forever. Both are released when the transaction ends, committed or not.
        connection.exec_driver_sql(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT_SECONDS}s'")
        connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_LOCK_KEY}, hashtext(current_schema()))")

    return engine


class PostgresStore(SqlStore):
    """The shared SQL store on PostgreSQL/PostGIS, plus the catalogue copy for SQL clients.

    Its check (on opening and inside every write) is the default one: the connection works and
    every store table, the catalogue copy included, is read end to end (a count and every key).
    An operator can add ``amcheck`` for the indexes' own structure.
    """

    def __init__(self, engine: sa.Engine, **options) -> None:
        super().__init__(engine, **options)
        # A backup's reads must all see the same committed state.
        self._snapshot_options = {"isolation_level": "REPEATABLE READ"}

    def _extra_tables(self, existing: set[str]) -> list[sa.TableClause]:
        return [_CATALOGUE_TABLE] if _CATALOGUE_TABLE.name in existing else []

    def _is_damage(self, exc: BaseException) -> bool:
        return getattr(getattr(exc, "orig", exc), "sqlstate", None) in _DAMAGE_SQLSTATES

    def publish_catalogue(self, catalogue: Catalogue) -> bool:
        """Copy the shipped catalogue into ``catalogue_features`` once per data version.

        Every replica ships the same catalogue in ``geodata/`` and lays the store's edits over
        it in memory; the copy is for SQL and GIS clients (and is what the first start of a
        new data version loads). Replicas starting together take turns on the write lock, so
        the table is loaded once and then left alone. Parameters and return value are as for
        :meth:`Store.publish_catalogue` (False when the table already held this data version).

        Raises
        ------
        StoreError
            If the database cannot be written (nothing is changed then).
        """
        data_version = catalogue.manifest.data_version if catalogue.manifest else "unknown"
        frame = shipped_feature_frame(catalogue)
        with self._transaction(write=True) as connection:
            held = connection.execute(sa.text("SELECT DISTINCT data_version FROM catalogue_features")).scalars().all()
            if held == [data_version]:
                return False
            connection.execute(sa.text("DELETE FROM catalogue_features"))
            if len(frame):
                connection.execute(_INSERT_CATALOGUE, _catalogue_rows(frame, data_version))
        _log.info("Loaded %d shipped features (data version %s) into catalogue_features", len(frame), data_version)
        return True


def _catalogue_rows(frame, data_version: str) -> list[dict]:
    """Rows for ``catalogue_features``: properties as JSON (missing values as null), WKB geometry."""
    properties = json.loads(frame.drop(columns=frame.geometry.name).to_json(orient="records", force_ascii=False))
    geometries = np.asarray(frame.geometry.values, dtype=object)
    wkbs = shapely.to_wkb(geometries)
    empty = shapely.is_missing(geometries) | shapely.is_empty(geometries)
    return [
        {
            "feature_id": str(item["id"]),
            "data_version": data_version,
            "kind": item.get("kind"),
            "properties": json.dumps({key: value for key, value in item.items() if key != "id"}, ensure_ascii=False),
            "geom_wkb": None if missing else wkb,
        }
        for item, wkb, missing in zip(properties, wkbs, empty)
    ]


def open_postgres_store(url: str, *, catalogue_ids: Iterable[str] | None = None) -> PostgresStore:
    """Open the store in a PostgreSQL database, creating or migrating its tables.

    Parameters
    ----------
    url : str
        ``postgresql://user:password@host:port/database`` (``postgresql+psycopg://`` and
        ``postgres://`` too); the database must have the PostGIS extension or let this user
        create it.
    catalogue_ids : iterable of str, optional
        Ids of the shipped features (see :class:`~kzatlas.store.sql.SqlStore`).

    Raises
    ------
    StoreError
        If the address is unusable or the database cannot be reached or prepared. The message
        never holds the address; the server log gets it without the password.
    """
    parsed = normalise_url(url)
    try:
        return PostgresStore(postgres_engine(parsed), write_options={_WRITE_OPTION: True}, catalogue_ids=catalogue_ids)
    except StoreError:
        _log.warning("The PostgreSQL store at %s cannot be opened", parsed.render_as_string(hide_password=True))
        raise
