"""The store on any SQL database SQLAlchemy speaks, in portable SQLAlchemy Core.

Backends (``sqlite.py``, ``postgres.py``) make the engine and say how a write transaction
starts (and so how writers take turns); SQL that only one database accepts stays in its backend
module. Versions are numbered here, under the backend's write lock, as the newest plus one: they
are gapless and strictly increasing on every backend, whichever server wrote them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime

import geopandas as gpd
import numpy as np
import shapely
import sqlalchemy as sa
from sqlalchemy import exc as sa_exc

from kzatlas.store import sign_in
from kzatlas.store.base import Store
from kzatlas.store.health import StoreCheck, StoreDamagedError, database_problem, table_problems, timed_check
from kzatlas.store.migrate import current_revisions, head_revisions, upgrade
from kzatlas.store.records import (
    ACTION_UNDO,
    MAX_COMMENT_CHARS,
    MAX_WHO_CHARS,
    ORIGIN_ADDED,
    ORIGIN_EDITED,
    STATE_ABSENT,
    STATE_DELETED,
    STATE_PRESENT,
    Change,
    FeatureState,
    StoreError,
    check_text,
    records_to_frame,
)
from kzatlas.store.rows import bare_row, chunks, restored_row, row_record, state_rows
from kzatlas.store.schema import changes, feature_versions, features, metadata

BUSY_MESSAGE = "The saved-data store is busy or cannot be written just now; nothing was changed. Try again."


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


class SqlStore(Store):
    """The versioned store on a SQLAlchemy engine.

    Parameters
    ----------
    engine : sqlalchemy.Engine
        A backend's engine; the schema is created or migrated here.
    write_options : dict
        Execution options that make the backend open a write transaction.
    catalogue_ids : iterable of str, optional
        Ids of the shipped features (to mark saved rows ``edited`` or ``added``); read from
        the catalogue the first time they are needed when not given.
    """

    def __init__(
        self,
        engine: sa.Engine,
        *,
        write_options: dict | None = None,
        catalogue_ids: Iterable[str] | None = None,
    ) -> None:
        self._engine = engine
        self._write_options = dict(write_options or {})
        # How a read transaction sees one state of every table (a backend adds its isolation level).
        self._snapshot_options: dict = {}
        self._catalogue_ids = frozenset(catalogue_ids) if catalogue_ids is not None else None
        try:
            # Checked before any migration writes to it.
            self._run_check().raise_if_damaged()
            upgrade(engine, self._write_options)
        except (sa_exc.DBAPIError, sa_exc.TimeoutError) as exc:
            engine.dispose()
            if self._is_damage(exc):
                raise StoreDamagedError([database_problem(exc)]) from exc
            raise StoreError("The saved-data store could not be opened or prepared.") from exc
        except StoreError:
            engine.dispose()
            raise

    # -- transactions -------------------------------------------------------------------

    @contextmanager
    def _transaction(self, *, write: bool, check: bool = True) -> Iterator[sa.Connection]:
        """One transaction; database errors become a plain ``StoreError`` after rollback.

        A write transaction checks the store first (``check=False`` only for replacing it whole).
        """
        try:
            with self._engine.connect() as connection:
                if write:
                    connection = connection.execution_options(**self._write_options)
                with connection.begin():
                    if write:
                        self._lock_for_write(connection)
                        if check:
                            # Under the lock, so nothing can damage it between the check and this write.
                            self._checked(connection).raise_if_damaged()
                    yield connection
        except (sa_exc.DBAPIError, sa_exc.TimeoutError) as exc:
            if self._is_damage(exc):
                raise StoreDamagedError([database_problem(exc)]) from exc
            # A lost connection, a lock timeout or an exhausted pool: the transaction rolled back.
            raise StoreError(BUSY_MESSAGE if write else "The saved-data store cannot be read just now.") from exc

    def _lock_for_write(self, connection: sa.Connection) -> None:
        """Serialise writers; a backend whose write transaction does not already lock overrides this."""

    @contextmanager
    def snapshot(self) -> Iterator[sa.Connection]:
        """A read transaction that sees one consistent state of every table (for a backup)."""
        with self._engine.connect() as connection:
            connection = connection.execution_options(**self._snapshot_options)
            with connection.begin():
                yield connection

    @contextmanager
    def exclusive_write(self) -> Iterator[sa.Connection]:
        """A write transaction under the writers' lock that skips the check: for replacing the whole store."""
        with self._transaction(write=True, check=False) as connection:
            yield connection

    # -- checking -----------------------------------------------------------------------

    def check(self) -> StoreCheck:
        """Check the store now (what :mod:`kzatlas.store.health` describes); writes nothing.

        Returns
        -------
        StoreCheck
            What was checked and any problems found.

        Raises
        ------
        StoreError
            If the store cannot be reached at all (a damaged store is reported, not raised).
        """
        try:
            return self._run_check()
        except (sa_exc.DBAPIError, sa_exc.TimeoutError) as exc:
            if self._is_damage(exc):
                return StoreCheck(checked=("opening the store",), problems=(database_problem(exc),), seconds=0.0)
            raise StoreError("The saved-data store cannot be reached just now, so it cannot be checked.") from exc

    def _run_check(self) -> StoreCheck:
        """The check in a read transaction of its own; an error reaching the database is raised."""
        with self._engine.connect() as connection, connection.begin():
            return self._checked(connection)

    def _checked(self, connection: sa.Connection) -> StoreCheck:
        return timed_check(lambda checked: self._check_problems(connection, checked))

    def _check_problems(self, connection: sa.Connection, checked: list[str]) -> list[str]:
        """The backend's checks on an open transaction; by default, read every store table end to end.

        Tables a store at an older revision does not have yet are skipped; at the newest
        revision every table must be there.
        """
        checked.append("the connection works")
        connection.execute(sa.select(1)).scalar_one()
        existing = set(sa.inspect(connection).get_table_names())
        tables = [table for table in metadata.sorted_tables if table.name in existing]
        problems = table_problems(connection, tables + self._extra_tables(existing), checked)
        if existing and current_revisions(connection) == head_revisions():
            missing = sorted(table.name for table in metadata.sorted_tables if table.name not in existing)
            problems += [f"table {name} is missing" for name in missing]
        return problems

    def _extra_tables(self, existing: set[str]) -> list[sa.Table]:
        """Backend-only tables the default check reads as well."""
        del existing
        return []

    def _is_damage(self, exc: BaseException) -> bool:
        """Whether a database error means the stored data is damaged (not merely unreachable)."""
        del exc
        return False

    # -- reading ------------------------------------------------------------------------

    def version(self) -> int:
        """Return the newest version (0 for an empty store)."""
        with self._transaction(write=False) as connection:
            return connection.execute(sa.select(sa.func.max(changes.c.version))).scalar() or 0

    def shipped_ids(self) -> frozenset[str]:
        """Ids of the shipped catalogue's features."""
        if self._catalogue_ids is None:
            from kzatlas.catalog import active_geodata_dir, feature_frame, load_catalogue

            self._catalogue_ids = frozenset(feature_frame(load_catalogue(active_geodata_dir()))["id"])
        return self._catalogue_ids

    def saved(self) -> gpd.GeoDataFrame:
        """Every present feature, with ``origin`` ``edited`` or ``added``."""
        query = (
            sa.select(features.c.feature_id, features.c.properties, features.c.geom_wkb)
            .where(features.c.state == STATE_PRESENT)
            .order_by(features.c.feature_id)
        )
        with self._transaction(write=False) as connection:
            rows = connection.execute(query).all()
        records = [{"id": row.feature_id, **json.loads(row.properties)} for row in rows]
        geometries = shapely.from_wkb(np.array([row.geom_wkb for row in rows], dtype=object)) if rows else []
        for record, geometry in zip(records, geometries):
            record["geometry"] = geometry
        shipped = self.shipped_ids()
        origins = [ORIGIN_EDITED if record["id"] in shipped else ORIGIN_ADDED for record in records]
        return records_to_frame(records, origins)

    def deleted_ids(self) -> frozenset[str]:
        """Ids currently deleted."""
        query = sa.select(features.c.feature_id).where(features.c.state == STATE_DELETED)
        with self._transaction(write=False) as connection:
            return frozenset(connection.execute(query).scalars())

    def history(self, limit: int = 200) -> list[Change]:
        """Return the newest ``limit`` changes, newest first."""
        query = sa.select(changes).order_by(changes.c.version.desc()).limit(max(int(limit), 0))
        with self._transaction(write=False) as connection:
            rows = connection.execute(query).all()
            return self._changes(connection, rows)

    def feature_history(self, feature_id: str) -> list[FeatureState]:
        """Every state of one feature, newest first, each with the change that wrote it."""
        query = (
            sa.select(feature_versions, changes)
            .join(changes, changes.c.version == feature_versions.c.version)
            .where(feature_versions.c.feature_id == str(feature_id))
            .order_by(feature_versions.c.version.desc())
        )
        with self._transaction(write=False) as connection:
            rows = connection.execute(query).all()
            by_version = {change.version: change for change in self._changes(connection, rows)}
        return [
            FeatureState(
                version=row.version,
                feature_id=row.feature_id,
                state=row.state,
                record=row_record(row.feature_id, row.properties, row.geom_wkb) if row.state == STATE_PRESENT else None,
                change=by_version[row.version],
            )
            for row in rows
        ]

    def _changes(self, connection: sa.Connection, rows: Sequence) -> list[Change]:
        """``Change`` objects for change rows, with the ids each one wrote."""
        versions = [row.version for row in rows]
        touched: dict[int, list[str]] = {version: [] for version in versions}
        for chunk in chunks(versions):
            query = sa.select(feature_versions.c.version, feature_versions.c.feature_id).where(
                feature_versions.c.version.in_(chunk)
            )
            for version, feature_id in connection.execute(query):
                touched[version].append(feature_id)
        return [
            Change(
                version=row.version,
                who=row.who,
                when=row.at,
                action=row.action,
                comment=row.comment,
                source_name=row.source_name,
                source_sha256=row.source_sha256,
                feature_ids=tuple(sorted(touched[row.version])),
                undoes=row.undoes,
                undone_by=row.undone_by,
            )
            for row in rows
        ]

    # -- writing ------------------------------------------------------------------------

    def _write_batch(self, header: dict, records: list[dict], deletions: list[str]) -> Change:
        """Write checked records and deletions as one new version (see :meth:`Store.apply`)."""
        rows = state_rows(records, deletions)
        with self._transaction(write=True) as connection:
            change = self._insert_change(connection, header)
            self._write_states(connection, change.version, rows)
        return replace(change, feature_ids=tuple(sorted(row["feature_id"] for row in rows)))

    def undo(self, version: int, *, who: str, comment: str) -> Change:
        """Take one change back as a new version (see :meth:`Store.undo`)."""
        header = {
            "who": check_text(who, "name of the editor", MAX_WHO_CHARS, required=True),
            "comment": check_text(comment, "comment", MAX_COMMENT_CHARS, required=True),
            "action": ACTION_UNDO,
            "source_name": "",
            "source_sha256": "",
            "undoes": int(version),
        }
        with self._transaction(write=True) as connection:
            target = connection.execute(sa.select(changes).where(changes.c.version == int(version))).one_or_none()
            if target is None:
                raise StoreError(f"There is no version {int(version)} to undo.")
            if target.undone_by is not None:
                raise StoreError(f"Version {target.version} was already undone by version {target.undone_by}.")
            ids = list(
                connection.execute(
                    sa.select(feature_versions.c.feature_id).where(feature_versions.c.version == target.version)
                ).scalars()
            )
            blockers = self._standing_later_changes(connection, target.version, ids)
            if blockers:
                listed = ", ".join(str(number) for number in blockers)
                raise StoreError(
                    f"Version {target.version} cannot be undone: later changes to the same features still stand "
                    f"(version {listed}). Undo those first, newest first."
                )
            rows = self._states_before(connection, target.version, ids)
            change = self._insert_change(connection, header)
            self._write_states(connection, change.version, rows)
            connection.execute(
                sa.update(changes).where(changes.c.version == target.version).values(undone_by=change.version)
            )
            if target.action == ACTION_UNDO:
                # Undoing an undo re-applies the change it took back, so that change stands again.
                connection.execute(sa.update(changes).where(changes.c.version == target.undoes).values(undone_by=None))
        return replace(change, feature_ids=tuple(sorted(ids)))

    def _insert_change(self, connection: sa.Connection, header: dict) -> Change:
        # Under the write lock no other writer can take the same number; a rolled-back write
        # leaves no gap (a database sequence would).
        number = connection.execute(sa.select(sa.func.coalesce(sa.func.max(changes.c.version), 0) + 1)).scalar_one()
        values = {**header, "at": _now(), "version": number}
        connection.execute(sa.insert(changes).values(**values))
        return Change(
            version=number,
            who=values["who"],
            when=values["at"],
            action=values["action"],
            comment=values["comment"],
            source_name=values["source_name"],
            source_sha256=values["source_sha256"],
            feature_ids=(),
            undoes=values["undoes"],
        )

    def _write_states(self, connection: sa.Connection, version: int, rows: list[dict]) -> None:
        """Record each row as the feature's state at ``version`` and make it current."""
        if not rows:
            return
        history_keys = ("feature_id", "state", "properties", "geom_wkb")
        connection.execute(
            sa.insert(feature_versions),
            [{**{key: row[key] for key in history_keys}, "version": version} for row in rows],
        )
        ids = [row["feature_id"] for row in rows]
        for chunk in chunks(ids):
            connection.execute(sa.delete(features).where(features.c.feature_id.in_(chunk)))
        current = [{**row, "version": version} for row in rows if row["state"] != STATE_ABSENT]
        if current:
            connection.execute(sa.insert(features), current)

    def _standing_later_changes(self, connection: sa.Connection, version: int, ids: list[str]) -> list[int]:
        """Later changes on the same features that still count (see the undo rule on ``Store``)."""
        found: dict[int, sa.Row] = {}
        for chunk in chunks(ids):
            query = (
                sa.select(changes.c.version, changes.c.action, changes.c.undoes, changes.c.undone_by)
                .join(feature_versions, feature_versions.c.version == changes.c.version)
                .where(changes.c.version > version, feature_versions.c.feature_id.in_(chunk))
                .distinct()
            )
            for row in connection.execute(query):
                found[row.version] = row
        standing = [
            row.version
            for row in found.values()
            if row.undone_by is None and not (row.action == ACTION_UNDO and row.undoes > version)
        ]
        return sorted(standing, reverse=True)

    def _states_before(self, connection: sa.Connection, version: int, ids: list[str]) -> list[dict]:
        """Each feature's state just before ``version`` (``absent`` where it had none)."""
        earlier: dict[str, sa.Row] = {}
        for chunk in chunks(ids):
            latest = (
                sa.select(feature_versions.c.feature_id, sa.func.max(feature_versions.c.version).label("version"))
                .where(feature_versions.c.feature_id.in_(chunk), feature_versions.c.version < version)
                .group_by(feature_versions.c.feature_id)
                .subquery()
            )
            query = sa.select(feature_versions).join(
                latest,
                sa.and_(
                    feature_versions.c.feature_id == latest.c.feature_id,
                    feature_versions.c.version == latest.c.version,
                ),
            )
            for row in connection.execute(query):
                earlier[row.feature_id] = row
        rows = []
        for feature_id in ids:
            row = earlier.get(feature_id)
            if row is None or row.state == STATE_ABSENT:
                rows.append(bare_row(feature_id, STATE_ABSENT))
            elif row.state == STATE_DELETED:
                rows.append(bare_row(feature_id, STATE_DELETED))
            else:
                rows.append(restored_row(row))
        return rows

    # -- the sign-in lockout's counts ---------------------------------------------------

    def update_sign_in_count(self, username: str, step, *, forget_before: float):
        """Apply ``step`` to one username's count of wrong passwords atomically (see ``sign_in.py``)."""
        return sign_in.update_count(self._transaction, username, step, forget_before=forget_before)

    def locked_sign_ins(self, now: float) -> list[tuple[str, float]]:
        """Usernames locked at ``now`` with the seconds each has left."""
        return list(sign_in.locked_usernames(self._transaction, now))

    def close(self) -> None:
        """Close every pooled connection."""
        self._engine.dispose()
